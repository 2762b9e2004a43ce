package dev.resvc.compiler.ast;

import java.util.List;

/**
 * One parsed {@code .resv} file: its items in source order, and its comments (kept for the
 * formatter, which must not lose them).
 */
public record PolicyFile(String file, List<Item> items, List<Comment> comments) {
  public PolicyFile {
    items = List.copyOf(items);
    comments = List.copyOf(comments);
  }

  /** A {@code //} or {@code /* *}{@code /} comment as written, with where it starts and ends. */
  public record Comment(Span span, int endLine, String text) {}
}
