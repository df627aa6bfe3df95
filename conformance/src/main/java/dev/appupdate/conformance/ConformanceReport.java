package dev.appupdate.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/** The results of one conformance run against one server, in the order the cases ran. */
public final class ConformanceReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final List<CaseResult> results;

  ConformanceReport(URI server, List<CaseResult> results) {
    this.server = server;
    this.results = List.copyOf(results);
  }

  /**
   * Returns the base URL of the server checked.
   *
   * @return the base URL, ending in {@code /}
   */
  public URI server() {
    return server;
  }

  /**
   * Returns every case's result.
   *
   * @return the results, in the order the cases ran
   */
  public List<CaseResult> results() {
    return results;
  }

  /**
   * Returns the failed cases.
   *
   * @return the results whose status is {@link CaseResult.Status#FAIL}; empty when the server passed
   */
  public List<CaseResult> failures() {
    return results.stream()
        .filter(r -> r.status() == CaseResult.Status.FAIL)
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * Returns whether no case failed (skipped cases do not count against the server).
   *
   * @return true when there is no failure
   */
  public boolean passed() {
    return failures().isEmpty();
  }

  /**
   * Returns the names of the cases with a status, for assertions in tests.
   *
   * @param status the status
   * @return the names of the cases that ended with {@code status}, in order
   */
  public List<String> names(CaseResult.Status status) {
    return results.stream()
        .filter(r -> r.status() == status)
        .map(CaseResult::name)
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * Returns the report as text: one {@link CaseResult#line()} per case, each ending with a line
   * feed.
   *
   * @return the lines
   */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (CaseResult r : results) {
      out.append(r.line()).append('\n');
    }
    return out.toString();
  }

  /**
   * Returns the report as one JSON object: {@code server}, counts {@code passed}, {@code failed}
   * and {@code skipped}, and {@code cases}, each with {@code name}, {@code section}, {@code
   * status} ({@code PASS}, {@code FAIL} or {@code SKIP}) and {@code detail}.
   *
   * @return the JSON text, on one line
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("server", server.toString());
    root.put("passed", names(CaseResult.Status.PASS).size());
    root.put("failed", names(CaseResult.Status.FAIL).size());
    root.put("skipped", names(CaseResult.Status.SKIP).size());
    ArrayNode cases = root.putArray("cases");
    for (CaseResult r : results) {
      cases
          .addObject()
          .put("name", r.name())
          .put("section", r.section())
          .put("status", r.status().name())
          .put("detail", r.detail());
    }
    return root.toString();
  }

  @Override
  public String toString() {
    return text();
  }
}
