package dev.appupdate.protocol.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A catalog is invalid: malformed JSON, or releases that break the rules of docs/CATALOG.md.
 * Lists every problem found, each with the release's position and field, so that one round of
 * fixes suffices.
 *
 * <pre>{@code
 * try {
 *   catalog = Catalog.read(Path.of("catalog.json"));
 * } catch (CatalogException e) {
 *   e.problems(); // [releases[3].hash_value: must be 128 lower-case hex digits for sha512, ...]
 * }
 * }</pre>
 */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How many problems the message spells out; {@link #problems()} holds them all. */
  static final int MESSAGE_PROBLEMS = 100;

  /** Where the catalog came from, for example its file path. */
  private final String source;

  /** Immutable. */
  @SuppressWarnings("serial")
  private final List<CatalogProblem> problems;

  /**
   * Creates an exception for the catalog read from {@code source}.
   *
   * @param source where the catalog came from, for example its file path
   * @param problems every problem found, in document order; must not be empty
   */
  public CatalogException(String source, List<CatalogProblem> problems) {
    super(message(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  private static String message(String source, List<CatalogProblem> problems) {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(problems, "problems == null");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems is empty");
    }
    int n = problems.size();
    StringBuilder sb =
        new StringBuilder("invalid catalog ")
            .append(source)
            .append(": ")
            .append(n)
            .append(n == 1 ? " problem" : " problems");
    // A broken generator can make a problem of each of a million releases; a message that size
    // would swamp any log, so it stops early and problems() keeps the whole list.
    for (int i = 0; i < Math.min(n, MESSAGE_PROBLEMS); i++) {
      sb.append("\n  ").append(problems.get(i));
    }
    if (n > MESSAGE_PROBLEMS) {
      sb.append("\n  ... and ").append(n - MESSAGE_PROBLEMS).append(" more");
    }
    return sb.toString();
  }

  /**
   * Returns where the catalog came from, for example its file path.
   *
   * @return where the catalog came from
   */
  public String source() {
    return source;
  }

  /**
   * Returns every problem found, in document order; never empty.
   *
   * @return every problem found
   */
  public List<CatalogProblem> problems() {
    return problems;
  }
}
