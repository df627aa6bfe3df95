package dev.appupdate.conformance;

import java.util.Objects;

/**
 * The result of one conformance case: its name, the section of docs/PROTOCOL.md it checks, and
 * whether the server passed it, failed it (with what was expected and what came back) or whether
 * it did not apply (with why).
 */
public final class CaseResult {
  /** What a case found. */
  public enum Status {
    /** The server did what the section requires. */
    PASS,
    /** The server did not; the detail says what was expected and what came back. */
    FAIL,
    /** The case does not apply to this server or configuration; the detail says why. */
    SKIP
  }

  private final String name;
  private final String section;
  private final Status status;
  private final String detail;

  CaseResult(String name, String section, Status status, String detail) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.section = Objects.requireNonNull(section, "section == null");
    this.status = Objects.requireNonNull(status, "status == null");
    this.detail = Objects.requireNonNull(detail, "detail == null");
  }

  /**
   * Returns the case's name, stable across runs, for example {@code update.malformed_json}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the heading of the docs/PROTOCOL.md section the case checks, for example {@code
   * Request content types}.
   *
   * @return the section
   */
  public String section() {
    return section;
  }

  /**
   * Returns what the case found.
   *
   * @return pass, fail or skip
   */
  public Status status() {
    return status;
  }

  /**
   * Returns what was checked (pass), what was expected and what came back (fail), or why the case
   * does not apply (skip).
   *
   * @return the detail, never empty
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns the result as one line: status, name, section in brackets, then the detail.
   *
   * @return for example {@code FAIL update.wrong_method [Routes]: expected 405 with Allow: POST,
   *     saw 404}
   */
  public String line() {
    return status + " " + name + " [" + section + "]: " + detail;
  }

  @Override
  public String toString() {
    return line();
  }
}
