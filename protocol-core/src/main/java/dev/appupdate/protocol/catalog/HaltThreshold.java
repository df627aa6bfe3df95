package dev.appupdate.protocol.catalog;

import java.util.Objects;

/**
 * When a server stops offering a release on its own: once at least {@link #minReports()}
 * installations reported an outcome for it and the share of them that reported a broken release
 * exceeds {@link #maxFailureRate()}. The catalog's {@code "halt": {"max_failure_rate": 0.05,
 * "min_reports": 50}}; docs/CATALOG.md says which failures count.
 */
public final class HaltThreshold {
  /** The largest {@link #minReports()} accepted: one billion. */
  public static final long MAX_MIN_REPORTS = 1_000_000_000L;

  private final double maxFailureRate;
  private final long minReports;

  private HaltThreshold(double maxFailureRate, long minReports) {
    this.maxFailureRate = maxFailureRate;
    this.minReports = minReports;
  }

  /**
   * Returns a threshold.
   *
   * @param maxFailureRate the largest failure rate that does not halt, from 0 (inclusive: any
   *     failure halts) to 1 (exclusive)
   * @param minReports how many reporters a decision needs, 1 to {@value #MAX_MIN_REPORTS}
   * @return the threshold
   * @throws IllegalArgumentException if a value is out of range
   */
  public static HaltThreshold of(double maxFailureRate, long minReports) {
    String problem = Rules.maxFailureRate(maxFailureRate);
    if (problem != null) {
      throw new IllegalArgumentException("halt.max_failure_rate: " + problem);
    }
    problem = Rules.minReports(minReports);
    if (problem != null) {
      throw new IllegalArgumentException("halt.min_reports: " + problem);
    }
    return new HaltThreshold(maxFailureRate, minReports);
  }

  /**
   * Returns the largest failure rate that does not halt the release.
   *
   * @return from 0 (inclusive) to 1 (exclusive)
   */
  public double maxFailureRate() {
    return maxFailureRate;
  }

  /**
   * Returns how many reporters the decision needs: below it, no failure rate halts.
   *
   * @return at least 1
   */
  public long minReports() {
    return minReports;
  }

  /**
   * Returns whether these figures halt the release.
   *
   * @param reporters how many installations reported (cancelled reports left out)
   * @param failing how many of them reported a failure that counts
   * @return true when {@code reporters >= minReports} and {@code failing / reporters} exceeds
   *     {@link #maxFailureRate()}
   */
  public boolean exceededBy(long reporters, long failing) {
    return reporters >= minReports && reporters > 0 && (double) failing / reporters > maxFailureRate;
  }

  /**
   * Returns true for a threshold with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal threshold
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof HaltThreshold
        && Double.compare(((HaltThreshold) o).maxFailureRate, maxFailureRate) == 0
        && ((HaltThreshold) o).minReports == minReports;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxFailureRate, minReports);
  }

  /** Returns {@code halt above 0.05 over 50 reports}. */
  @Override
  public String toString() {
    return "halt above " + maxFailureRate + " over " + minReports + " reports";
  }
}
