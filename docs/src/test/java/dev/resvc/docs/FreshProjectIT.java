package dev.resvc.docs;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The section "A project from scratch" of docs/embedding.md, done as a new user would: its POM and its
 * class, written to a new directory, built by Maven against the jars of this build, run on the shipped
 * host it names, and its output compared with the output the page shows. Also the page's route without
 * Maven (the command line's {@code compile --jar}, javac, java), and the README's commands that run the
 * example programs.
 *
 * <p>The jars are "installed" the way {@code ./mvnw install} lays them out, into a throwaway local
 * repository under {@code target/}, never the user's. Third-party artifacts (Maven's own plugins) come
 * from the local repository this build uses, named as a {@code file:} mirror, with Maven offline
 * except for {@code file:}: the test needs no network. It runs in {@code integration-test} (see the
 * module's POM), when the reactor has packaged the jars.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hung Maven fails the test instead of stalling the build
class FreshProjectIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path PAGE = Path.of("embedding.md");
  static final Path WORK = Path.of("target/fresh-project").toAbsolutePath();
  static final String GROUP_PATH = "dev/resvc";

  /** A module embedders get, where the reactor builds it, and the module name its jar declares. */
  record Published(String directory, String artifactId, String moduleName) {}

  static final List<Published> PUBLISHED = List.of(
      new Published("runtime", "resvc-runtime", "dev.resvc.runtime"),
      new Published("grammar", "resvc-grammar", "dev.resvc.grammar"),
      new Published("compiler", "resvc-compiler", "dev.resvc.compiler"),
      new Published("resv-maven-plugin", "resv-maven-plugin", "dev.resvc.maven"));

  /** The fenced blocks of one section of the page. */
  record Block(String language, String text) {}

  static String version;
  static Path repository;
  static List<Block> blocks;
  static List<Block> withoutMaven;

  @BeforeAll
  static void installIntoAThrowawayRepository() throws IOException {
    version = System.getProperty("resvc.version");
    assertWithMessage("run by `./mvnw verify`, which sets resvc.version").that(version).isNotNull();
    deleteRecursively(WORK);
    repository = WORK.resolve("repository");
    install(ROOT.resolve("pom.xml"), null, "resvc-parent");
    for (Published p : PUBLISHED) {
      Path jar = ROOT.resolve(p.directory()).resolve("target").resolve(p.artifactId() + "-" + version + ".jar");
      install(ROOT.resolve(p.directory()).resolve("pom.xml"), jar, p.artifactId());
    }
    String page = Files.readString(PAGE);
    blocks = blocks(page, "## A project from scratch");
    withoutMaven = blocks(page, "### Without Maven");
  }

  @Test
  void theDocumentedPomBuildsAProjectThatRunsACompiledPolicyOnAShippedHost() throws Exception {
    String pom = only("xml");
    String java = only("java");
    assertThat(pom).contains("<resvc.version>" + version + "</resvc.version>");
    assertThat(pom).contains("<release>17</release>");

    Path project = WORK.resolve("policy-check");
    Files.createDirectories(project);
    Files.writeString(project.resolve("pom.xml"), pom);
    Path source = project.resolve("src/main/java").resolve(className(java).replace('.', '/') + ".java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, java);
    Path policies = Files.createDirectories(project.resolve("src/main/resv"));
    Files.copy(ROOT.resolve("examples/policies/kernel-intel.resv"), policies.resolve("kernel-intel.resv"));
    Path settings = WORK.resolve("settings.xml");
    Files.writeString(settings, mirrorSettings(Path.of(System.getProperty("resvc.outerRepository"))));

    String shell = only("sh");
    assertThat(shell).contains("mvn -q compile");
    Result build = run(project, List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-q", "-o",
        "-Daether.offline.protocols=file", "-s", settings.toString(), "-Dmaven.repo.local=" + repository, "compile"));
    assertWithMessage("mvn compile in %s:\n%s", project, build.output()).that(build.exit()).isEqualTo(0);

    Path runtimeJar = repository.resolve(GROUP_PATH + "/resvc-runtime/" + version + "/resvc-runtime-" + version + ".jar");
    assertThat(shell).contains("java -cp target/classes:$HOME/.m2/repository/" + repository.relativize(runtimeJar));
    Result run = run(project, List.of(javaLauncher(), "-cp", "target/classes:" + runtimeJar, className(java),
        documentedHost(shell)));
    assertWithMessage("PolicyCheck:\n%s", run.output()).that(run.exit()).isEqualTo(0);
    assertThat(run.output().lines().toList()).containsExactlyElementsIn(only("text").lines().toList()).inOrder();
  }

  @Test
  void withoutMavenTheRuntimeJarAndACompiledPolicyJarRunTheSameProgram() throws Exception {
    Path dir = Files.createDirectories(WORK.resolve("without-maven"));
    String shell = only(withoutMaven, "sh");
    assertThat(shell).contains("java -jar RESVC/compiler/target/resvc.jar compile --jar policies.jar"
        + " RESVC/examples/policies/kernel-intel.resv");
    assertThat(shell).contains("java -cp $RUNTIME:policies.jar:classes " + className(only("java")));
    Path policy = ROOT.resolve("examples/policies/kernel-intel.resv");
    Result compile = run(dir, List.of(javaLauncher(), "-jar", ROOT.resolve("compiler/target/resvc.jar").toString(),
        "compile", "--jar", "policies.jar", policy.toString()));
    assertWithMessage("resvc compile --jar:\n%s", compile.output()).that(compile.exit()).isEqualTo(0);

    String java = only("java");
    Path source = dir.resolve("PolicyCheck.java");
    Files.writeString(source, java);
    String runtimeJar = ROOT.resolve("runtime/target/resvc-runtime-" + version + ".jar").toString();
    int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "--release", "17", "-cp", runtimeJar, "-d", dir.resolve("classes").toString(), source.toString());
    assertThat(javac).isEqualTo(0);

    Result run = run(dir, List.of(javaLauncher(), "-cp", runtimeJar + ":policies.jar:classes", className(java),
        documentedHost(shell)));
    assertWithMessage("PolicyCheck:\n%s", run.output()).that(run.exit()).isEqualTo(0);
    // The same findings; provenance names the policy file as given to `resvc compile`.
    assertThat(run.output().lines().toList()).containsExactlyElementsIn(
        only("text").replace("src/main/resv/kernel-intel.resv", policy.toString()).lines().toList()).inOrder();
  }

  @Test
  void theReadmeRunsBothExamplePrograms() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher cp = Pattern.compile("(?m)^CP=(\\S+)$").matcher(readme);
    assertThat(cp.find()).isTrue();
    assertThat(cp.group(1)).isEqualTo("runtime/target/resvc-runtime-" + version + ".jar"
        + ":examples/target/resvc-examples-" + version + ".jar");
    Matcher java = Pattern.compile("(?m)^java -cp \\$CP (dev\\.resvc\\.examples\\.\\w+) (.+)$").matcher(readme);
    List<String> programs = new ArrayList<>();
    while (java.find()) {
      programs.add(java.group(1));
      List<String> command = new ArrayList<>(List.of(javaLauncher(), "-cp", cp.group(1), java.group(1)));
      command.addAll(List.of(java.group(2).strip().split("\\s+")));
      Result run = run(ROOT, command);
      assertWithMessage("%s:\n%s", command, run.output()).that(run.exit()).isEqualTo(0);
      for (int group : List.of(5, 9, 10, 11)) {
        assertThat(run.output()).contains("group " + group + ": NOT assignable");
      }
    }
    assertThat(programs).containsExactly("dev.resvc.examples.AssignmentCheck", "dev.resvc.examples.MiniVmm");
  }

  @Test
  void thePublishedJarsHaveSourcesJavadocAndTheModuleNamesThePageLists() throws IOException {
    String page = Files.readString(PAGE);
    for (Published p : PUBLISHED) {
      assertThat(page).contains("| `" + p.artifactId() + "` |");
      assertThat(page).contains("`" + p.moduleName() + "` |");
      Path base = repository.resolve(GROUP_PATH).resolve(p.artifactId()).resolve(version);
      // The name the module system gives the jar: its module-info's, or else its Automatic-Module-Name.
      Path jar = base.resolve(p.artifactId() + "-" + version + ".jar");
      assertWithMessage("module name of %s", p.artifactId())
          .that(ModuleFinder.of(jar).findAll().stream().map(m -> m.descriptor().name()).toList())
          .containsExactly(p.moduleName());
      for (String classifier : List.of("sources", "javadoc")) {
        Path attached = ROOT.resolve(p.directory()).resolve("target")
            .resolve(p.artifactId() + "-" + version + "-" + classifier + ".jar");
        assertWithMessage("%s", attached).that(Files.isRegularFile(attached)).isTrue();
      }
    }
  }

  /** Lays out a POM (and a jar) as {@code mvn install} does: enough for a local repository. */
  private static void install(Path pom, Path jar, String artifactId) throws IOException {
    Path dir = Files.createDirectories(repository.resolve(GROUP_PATH).resolve(artifactId).resolve(version));
    Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      assertWithMessage("%s (built by `package`)", jar).that(Files.isRegularFile(jar)).isTrue();
      Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Every repository mirrored by the given local repository, read as a {@code file:} remote one. */
  private static String mirrorSettings(Path outerRepository) {
    return """
        <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
          <mirrors>
            <mirror>
              <id>this-build</id>
              <mirrorOf>*</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """.formatted(outerRepository.toAbsolutePath().toUri());
  }

  /** The fenced blocks under {@code heading}, up to the next heading of level 2 or 3. */
  static List<Block> blocks(String page, String heading) {
    int start = page.indexOf("\n" + heading + "\n");
    assertWithMessage("%s in %s", heading, PAGE).that(start).isAtLeast(0);
    Matcher next = Pattern.compile("\n###? ").matcher(page);
    int end = next.find(start + 1) ? next.start() : page.length();
    String section = page.substring(start, end);
    List<Block> found = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```$", Pattern.DOTALL).matcher(section);
    while (m.find()) {
      found.add(new Block(m.group(1), m.group(2)));
    }
    return found;
  }

  /** The one block of "A project from scratch" in {@code language}. */
  private static String only(String language) {
    return only(blocks, language);
  }

  private static String only(List<Block> blocks, String language) {
    List<String> texts = blocks.stream().filter(b -> b.language().equals(language)).map(Block::text).toList();
    assertWithMessage("```%s blocks in the section", language).that(texts).hasSize(1);
    return texts.get(0);
  }

  /** {@code package a.b; ... public final class C} gives {@code a.b.C}. */
  private static String className(String java) {
    Matcher pkg = Pattern.compile("(?m)^package ([\\w.]+);").matcher(java);
    Matcher cls = Pattern.compile("(?m)^public (?:final )?class (\\w+)").matcher(java);
    assertThat(pkg.find()).isTrue();
    assertThat(cls.find()).isTrue();
    return pkg.group(1) + "." + cls.group(1);
  }

  /** The host the page runs the program on: {@code RESVC/examples/hosts/NAME}, in this checkout. */
  private static String documentedHost(String shell) {
    Matcher m = Pattern.compile("PolicyCheck (RESVC/\\S+)").matcher(shell);
    assertThat(m.find()).isTrue();
    return ROOT.resolve(m.group(1).substring("RESVC/".length())).toString();
  }

  private static String javaLauncher() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  record Result(int exit, String output) {}

  /** Runs a process in {@code dir}, standard error folded into standard output. */
  private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Result(p.waitFor(), output);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
