package dev.resvc.runtime.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A finding's message with its placeholders split out once, ahead of time: {@code {region}}, {@code
 * {device}}, {@code {guest}}, {@code {overlap}}. {@code {{} and {@code }}} stand for literal braces.
 */
public final class MessageTemplate {
  /** The placeholders a conflicts message may use. */
  public enum Placeholder {
    REGION("region"), DEVICE("device"), GUEST("guest"), OVERLAP("overlap");

    private final String word;

    Placeholder(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    /** The placeholder written {@code {word}}, if there is one. */
    public static Optional<Placeholder> byWord(String word) {
      for (Placeholder p : values()) {
        if (p.word.equals(word)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  /** Literal text, or a placeholder (then {@code text} is null). */
  public record Part(String text, Placeholder placeholder) {}

  private final String source;
  private final List<Part> parts;

  /**
   * Why a text is not a template, and which characters are at fault ({@code start} inclusive, {@code
   * end} exclusive, indexes into the text) so that a diagnostic can underline just them.
   *
   * @param placeholder the name written between the braces, for {@link Kind#UNKNOWN_PLACEHOLDER}
   */
  public record Problem(Kind kind, int start, int end, Optional<String> placeholder) {
    /** What is wrong. */
    public enum Kind {
      /** An opening brace with no closing one after it (two opening braces stand for a literal one). */
      UNCLOSED_BRACE,
      /** {@code {name}} where name is no {@link Placeholder}. */
      UNKNOWN_PLACEHOLDER
    }

    public Problem {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(placeholder, "placeholder");
    }

    /** The problem in words, e.g. {@code unknown placeholder {devce}}. */
    public String message() {
      return switch (kind) {
        case UNCLOSED_BRACE -> "unclosed '{' at character " + (start + 1);
        case UNKNOWN_PLACEHOLDER -> "unknown placeholder {" + placeholder.orElse("") + "}";
      };
    }
  }

  /** What {@link #parse} makes of a text: exactly one of a template and the problem that stops it being one. */
  public record Parse(Optional<MessageTemplate> template, Optional<Problem> problem) {
    public Parse {
      if (template.isPresent() == problem.isPresent()) {
        throw new IllegalArgumentException("a parse has a template or a problem, not both or neither");
      }
    }

    /**
     * The template, for a message that must be one.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public MessageTemplate orElseThrow() {
      return template.orElseThrow(() -> new IllegalArgumentException(problem.get().message()));
    }
  }

  private MessageTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /**
   * Splits {@code text}, or says why it cannot: an unknown placeholder or an unclosed brace. The
   * checker reports problems at compile time, so compiled policies always get a template here.
   */
  public static Parse parse(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        literal.append('{');
        i++;
      } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        literal.append('}');
        i++;
      } else if (c == '{') {
        int close = text.indexOf('}', i);
        if (close < 0) {
          return failed(new Problem(Problem.Kind.UNCLOSED_BRACE, i, i + 1, Optional.empty()));
        }
        String name = text.substring(i + 1, close);
        Optional<Placeholder> p = Placeholder.byWord(name);
        if (p.isEmpty()) {
          return failed(new Problem(Problem.Kind.UNKNOWN_PLACEHOLDER, i, close + 1, Optional.of(name)));
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null));
          literal.setLength(0);
        }
        parts.add(new Part(null, p.get()));
        i = close;
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null));
    }
    return new Parse(Optional.of(new MessageTemplate(text, parts)), Optional.empty());
  }

  private static Parse failed(Problem p) {
    return new Parse(Optional.empty(), Optional.of(p));
  }

  public List<Part> parts() {
    return parts;
  }

  /** The message as written in the policy. */
  public String source() {
    return source;
  }

  /** Fills the placeholders; {@code values} is indexed by {@link Placeholder#ordinal()}. */
  public String render(String[] values) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      sb.append(p.text != null ? p.text : values[p.placeholder.ordinal()]);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageTemplate m && m.source.equals(source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source);
  }

  @Override
  public String toString() {
    return source;
  }
}
