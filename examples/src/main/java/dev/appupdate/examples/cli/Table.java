package dev.appupdate.examples.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text table: columns left-aligned and separated by two spaces, the last column unpadded so that
 * no line ends in spaces.
 */
final class Table {
  private final int columns;
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    this.columns = header.length;
    rows.add(header.clone());
  }

  /** Adds a row; it must have as many cells as the header. */
  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, the header " + columns + ": "
              + Arrays.toString(cells));
    }
    rows.add(cells.clone());
    return this;
  }

  /** Prints the header and the rows. */
  void print(PrintStream out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row[c]);
        if (c < columns - 1) {
          line.append(" ".repeat(widths[c] - row[c].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
