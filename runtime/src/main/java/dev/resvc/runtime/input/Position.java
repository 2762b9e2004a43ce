package dev.resvc.runtime.input;

/** Where in an input something is: a text line (and column), a byte offset in a binary table, or nowhere. */
public sealed interface Position {
  /** A 1-based line and column in a text file; column 0 means "the whole line". */
  record Line(int line, int column) implements Position {
    @Override
    public String render() {
      return column > 0 ? line + ":" + column : Integer.toString(line);
    }
  }

  /** A byte offset in a binary table. */
  record Offset(long offset) implements Position {
    @Override
    public String render() {
      return "offset 0x" + Long.toHexString(offset);
    }
  }

  /** The input as a whole. */
  record Whole() implements Position {
    @Override
    public String render() {
      return "";
    }
  }

  static Position line(int line) {
    return new Line(line, 0);
  }

  static Position line(int line, int column) {
    return new Line(line, column);
  }

  static Position offset(long offset) {
    return new Offset(offset);
  }

  static Position whole() {
    return new Whole();
  }

  /** The position as it follows a file name: {@code 12}, {@code 12:5}, {@code offset 0x30}. */
  String render();
}
