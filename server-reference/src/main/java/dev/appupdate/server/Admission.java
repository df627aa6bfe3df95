package dev.appupdate.server;

import dev.appupdate.protocol.Problem;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Admits requests to the protocol routes by the per-address rate limits: completion reports
 * always (unless switched off), update checks and explanations when configured, a signed update
 * check counting double (signing costs the server more than answering). Refusals are {@code 429}
 * with {@code Retry-After}, decided before the body is read. Exempt ranges ({@code
 * --rate-limit-exempt}) are never limited. The client address is the connection's, or, when the
 * connection comes from a trusted proxy ({@code --trusted-proxy}), the address that proxy put in
 * {@code X-Forwarded-For}.
 */
final class Admission {
  static final String FORWARDED_FOR = "X-Forwarded-For";

  private final RateLimiter checks;
  private final RateLimiter completions;
  private final List<Cidr> exempt;
  private final List<Cidr> trustedProxies;
  private final boolean signing;

  /**
   * @param checks the limit of update checks and explanations, or null for none
   * @param completions the limit of completion reports, or null for none
   * @param signing whether the server signs answers that ask, so that a signed check costs double
   */
  Admission(
      RateLimiter checks,
      RateLimiter completions,
      List<Cidr> exempt,
      List<Cidr> trustedProxies,
      boolean signing) {
    this.checks = checks;
    this.completions = completions;
    this.exempt = List.copyOf(exempt);
    this.trustedProxies = List.copyOf(trustedProxies);
    this.signing = signing;
  }

  /**
   * Takes the tokens that {@code call} to the POST route {@code path} costs.
   *
   * @throws HttpProblem 429 with {@code Retry-After} when the client's bucket is short of them
   */
  void admit(Call call, String path) throws HttpProblem {
    RateLimiter limiter;
    int cost = 1;
    if (path.equals("/v1/completion")) {
      limiter = completions;
    } else {
      limiter = checks;
      // Only update checks are ever signed: an explanation that asks for a signature gets an
      // unsigned answer and costs what any check costs.
      if (signing && path.equals("/v1/update") && ResponseSigning.requested(call)) {
        cost = 2;
      }
    }
    if (limiter == null) {
      return;
    }
    InetAddress client = client(call);
    if (client == null || in(exempt, client)) {
      return;
    }
    long waitNanos = limiter.acquire(client, cost);
    if (waitNanos > 0) {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      throw HttpProblem.tooManyRequests(
          Problem.of(
              429,
              "Too Many Requests",
              "the rate limit of "
                  + path
                  + " for "
                  + client.getHostAddress()
                  + " ("
                  + limiter.limit()
                  + ", rate:burst) is reached; retry after "
                  + seconds
                  + " s"),
          seconds);
    }
  }

  /**
   * Returns the client's address: the connection's, unless that is a trusted proxy; then, walking
   * {@code X-Forwarded-For} from its end (the entry the nearest proxy added), the first address
   * that is not a trusted proxy. An entry that is not an address literal ends the walk at the last
   * address reached, as does the start of the header. Null when the connection has no address.
   */
  InetAddress client(Call call) {
    InetSocketAddress remote = call.exchange().getRemoteAddress();
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    InetAddress address = remote.getAddress();
    if (trustedProxies.isEmpty() || !in(trustedProxies, address)) {
      return address;
    }
    List<String> values = call.requestHeaders().get(FORWARDED_FOR);
    if (values == null) {
      return address;
    }
    for (int v = values.size() - 1; v >= 0; v--) {
      String[] hops = values.get(v).split(",", -1);
      for (int i = hops.length - 1; i >= 0; i--) {
        InetAddress hop = Cidr.literal(hops[i]);
        if (hop == null) {
          return address;
        }
        address = hop;
        if (!in(trustedProxies, hop)) {
          return hop;
        }
      }
    }
    return address;
  }

  private static boolean in(List<Cidr> ranges, InetAddress address) {
    for (Cidr c : ranges) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
