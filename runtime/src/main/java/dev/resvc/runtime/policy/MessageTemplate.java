package dev.resvc.runtime.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
  }

  /** Literal text, or a placeholder (then {@code text} is null). */
  public record Part(String text, Placeholder placeholder) {}

  private final String source;
  private final List<Part> parts;

  /**
   * A message that does not parse, with the characters at fault ({@code start} inclusive, {@code end}
   * exclusive, indexes into the text) so that a diagnostic can underline just them.
   */
  public static final class Malformed extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int start;
    private final int end;

    Malformed(String message, int start, int end) {
      super(message);
      this.start = start;
      this.end = end;
    }

    public int start() {
      return start;
    }

    public int end() {
      return end;
    }
  }

  private MessageTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /**
   * Splits {@code text}.
   *
   * @throws Malformed naming an unknown placeholder or an unclosed brace; the checker reports these at
   *     compile time, so compiled policies never throw here
   */
  public static MessageTemplate parse(String text) {
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
          throw new Malformed("unclosed '{' at character " + (i + 1), i, i + 1);
        }
        String name = text.substring(i + 1, close);
        Placeholder p = null;
        for (Placeholder candidate : Placeholder.values()) {
          if (candidate.word.equals(name)) {
            p = candidate;
          }
        }
        if (p == null) {
          throw new Malformed("unknown placeholder {" + name + "}", i, close + 1);
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null));
          literal.setLength(0);
        }
        parts.add(new Part(null, p));
        i = close;
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null));
    }
    return new MessageTemplate(text, parts);
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
