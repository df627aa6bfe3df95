package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;

/**
 * A JSON number with a fraction or an exponent, as a {@link DecimalNode} that also remembers how
 * it was written, so that messages quote the document ({@code 1e2}) rather than the normalized
 * {@link BigDecimal} ({@code 1E+2}). Equality and hashing are those of {@link DecimalNode}.
 */
final class WrittenDecimalNode extends DecimalNode {
  private static final long serialVersionUID = 1L;

  private final String text;

  WrittenDecimalNode(BigDecimal value, String text) {
    super(value);
    this.text = text;
  }

  @Override
  public String asText() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
