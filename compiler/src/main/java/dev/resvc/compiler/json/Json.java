package dev.resvc.compiler.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree and printer, so that the runtime can emit machine-readable output with no
 * dependency. Keys keep insertion order and output is deterministic. 64-bit addresses are emitted as
 * {@code "0x..."} strings by callers, since JSON numbers lose precision above 2^53.
 */
public final class Json {
  private Json() {}

  public static Obj object() {
    return new Obj();
  }

  public static Arr array() {
    return new Arr();
  }

  /** A JSON object under construction. */
  public static final class Obj {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Obj put(String key, Object value) {
      fields.put(key, check(value));
      return this;
    }

    /** Adds every field of {@code other} after this object's own, in {@code other}'s order. */
    public Obj putAll(Obj other) {
      fields.putAll(other.fields);
      return this;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      write(sb, this, 0);
      return sb.toString();
    }
  }

  /** A JSON array under construction. */
  public static final class Arr {
    private final List<Object> items = new ArrayList<>();

    public Arr add(Object value) {
      items.add(check(value));
      return this;
    }

    public boolean isEmpty() {
      return items.isEmpty();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      write(sb, this, 0);
      return sb.toString();
    }
  }

  private static Object check(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
        || value instanceof Long || value instanceof Obj || value instanceof Arr) {
      return value;
    }
    if (value instanceof Iterable<?> it) {
      Arr arr = new Arr();
      it.forEach(arr::add);
      return arr;
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }

  private static void write(StringBuilder sb, Object value, int indent) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      quote(sb, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      sb.append(value);
    } else if (value instanceof Obj obj) {
      if (obj.fields.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<String, Object> e : obj.fields.entrySet()) {
        pad(sb, indent + 1);
        quote(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
        sb.append(++i < obj.fields.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append('}');
    } else if (value instanceof Arr arr) {
      if (arr.items.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < arr.items.size(); i++) {
        pad(sb, indent + 1);
        write(sb, arr.items.get(i), indent + 1);
        sb.append(i + 1 < arr.items.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append(']');
    }
  }

  private static void pad(StringBuilder sb, int indent) {
    sb.append("  ".repeat(indent));
  }

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
