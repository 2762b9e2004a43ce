package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/**
 * The plugin as Maven sees it: the descriptor that maven-plugin-plugin wrote from the annotations (goals,
 * default phases, the state file's place), the m2e mapping, and {@code resv:help}.
 */
class PluginDescriptorTest {
  static String resource(String name) throws Exception {
    try (InputStream in = PluginDescriptorTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theGoalsAreCompileTestAndHelpBoundToTheirPhases() throws Exception {
    String xml = resource("META-INF/maven/plugin.xml");
    assertThat(xml).contains("<goal>compile</goal>");
    assertThat(xml).contains("<goal>test</goal>");
    assertThat(xml).contains("<goal>help</goal>");
    assertThat(xml).containsMatch("(?s)<goal>compile</goal>.*?<phase>generate-sources</phase>");
    assertThat(xml).containsMatch("(?s)<goal>test</goal>.*?<phase>test</phase>");
    assertThat(xml).contains("${project.build.directory}/maven-status/resv-maven-plugin/compile/${mojoExecution.executionId}/state.tsv");
    assertThat(xml).contains("<role>org.sonatype.plexus.build.incremental.BuildContext</role>");
    assertThat(xml).contains("<skipTests implementation=\"boolean\" default-value=\"false\">${skipTests}</skipTests>");
  }

  @Test
  void m2eRunsCompileInIncrementalBuilds() throws Exception {
    String xml = resource("META-INF/m2e/lifecycle-mapping-metadata.xml");
    assertThat(xml).containsMatch("(?s)<goal>compile</goal>.*?<runOnIncremental>true</runOnIncremental>");
  }

  @Test
  void helpListsTheGoalsAndTheirParameters() throws Exception {
    List<String> printed = new ArrayList<>();
    HelpMojo help = new HelpMojo();
    Field detail = HelpMojo.class.getDeclaredField("detail");
    detail.setAccessible(true);
    detail.setBoolean(help, true);
    help.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        printed.add(content.toString());
      }
    });
    help.execute();
    String text = String.join("\n", printed);
    assertThat(text).contains("resv:compile");
    assertThat(text).contains("resv:test");
    assertThat(text).contains("resv:help");
    assertThat(text).contains("excludes");
    assertThat(text).contains("resv.skipTests");
  }
}
