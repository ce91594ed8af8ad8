package dev.walrus.bench.scale;

import java.util.ArrayList;
import java.util.List;

/** A small table rendered as Markdown (for the docs) or as aligned text (for the console). */
final class Table {
  private final String title;
  private final String[] header;
  private final List<String[]> rows = new ArrayList<>();

  /**
   * @param title a line above the table
   * @param header the column names; the first column is left-aligned, the others right
   */
  Table(String title, String... header) {
    this.title = title;
    this.header = header;
  }

  /**
   * @param cells one cell per column
   * @return this
   */
  Table row(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException(cells.length + " cells for " + header.length + " columns");
    }
    rows.add(cells);
    return this;
  }

  /**
   * @return the table as GitHub Markdown, its title in bold above it
   */
  String markdown() {
    StringBuilder b = new StringBuilder("**").append(title).append("**\n\n|");
    for (String h : header) {
      b.append(' ').append(h).append(" |");
    }
    b.append("\n|");
    for (int i = 0; i < header.length; i++) {
      b.append(i == 0 ? "---|" : "---:|");
    }
    b.append('\n');
    for (String[] r : rows) {
      b.append('|');
      for (String c : r) {
        b.append(' ').append(c.replace("|", "\\|")).append(" |");
      }
      b.append('\n');
    }
    return b.append('\n').toString();
  }

  /**
   * @return the table as text with aligned columns, its title above it
   */
  String text() {
    int[] w = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      w[i] = header[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder(title).append('\n');
    line(b, header, w);
    for (String[] r : rows) {
      line(b, r, w);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String[] cells, int[] w) {
    for (int i = 0; i < cells.length; i++) {
      String f = i == 0 ? "%-" + w[i] + "s" : "  %" + w[i] + "s";
      b.append(String.format(f, cells[i]));
    }
    b.append('\n');
  }
}
