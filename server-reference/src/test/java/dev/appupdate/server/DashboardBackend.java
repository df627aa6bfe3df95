package dev.appupdate.server;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard's browser tests need from an admin listener: its address and token, the
 * release states it holds, and what it was asked. {@link DashboardBrowserTest#startBackend} makes
 * one from a {@link Scenario}.
 */
interface DashboardBackend extends AutoCloseable {
  /** Returns the admin listener's base URL, ending in {@code /}. */
  URI url();

  /** Returns the bearer token the listener accepts. */
  String token();

  /** From now on only {@code token} is accepted (a rotated token file). */
  void rotateToken(String token);

  /** Returns {@code live}, {@code paused} or {@code halted} as the listener now sees the release. */
  String state(String product, String updateType, String version);

  /** Adds reports in the current hour, as clients posting completions would. */
  void addReports(String product, String updateType, String version, int successes, int failures);

  /** Returns each request's method, target (path and query) and Authorization header, in order. */
  List<Request> requests();

  @Override
  void close();

  /** One request the listener received. */
  record Request(String method, String target, String authorization) {}

  /** The releases and server state a test starts from. */
  record Scenario(
      List<Release> releases, CatalogError catalogError, String storeStatus, String storeReason) {
    public Scenario {
      releases = List.copyOf(releases);
    }
  }

  /** A failed catalog load. */
  record CatalogError(Instant at, String message) {}

  /** One release with its reports per hour. */
  record Release(
      String product,
      String updateType,
      String version,
      List<String> channels,
      double rolloutPercent,
      boolean signed,
      String state,
      Halt halt,
      Map<String, Integer> byCode,
      List<Hour> hourly) {
    public Release {
      channels = List.copyOf(channels);
      byCode = Map.copyOf(byCode);
      hourly = List.copyOf(hourly);
    }

    String key() {
      return product + "/" + updateType + "/" + version;
    }
  }

  /** Why and when a release was halted. */
  record Halt(Instant at, String actor, String detail) {}

  /** Reports received in one hour. */
  record Hour(Instant hour, int successes, int failures) {}
}
