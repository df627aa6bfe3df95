package dev.appupdate.conformance;

import dev.appupdate.protocol.catalog.Catalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks that a server speaks appupdate protocol v1: sends it valid and invalid requests and
 * checks every rule of docs/PROTOCOL.md that a client can observe, one case per rule, each naming
 * the section it checks.
 *
 * <p>Tell it what the server was configured with: its catalog, so that offers can be checked
 * against what the catalog says a request gets, or only a product the server knows, so that the
 * cases that need an offer have one to work with. Cases that need what the server does not have
 * (files, response signatures, patches) are skipped with a reason, not failed.
 *
 * <pre>{@code
 * @Test
 * void serverSpeaksProtocolV1() throws Exception {
 *   ConformanceReport report =
 *       Conformance.builder()
 *           .server(URI.create("http://127.0.0.1:" + port + "/"))
 *           .catalog(Catalog.read(Path.of("catalog.json")))
 *           .build()
 *           .run();
 *   assertTrue(report.passed(), report.text());
 * }
 * }</pre>
 *
 * <p>A run sends a few dozen requests, one at a time, and records a few completion reports under
 * request ids the server issued (each once, as the protocol's idempotence allows): run it against
 * a test or staging server, not one whose statistics matter.
 */
public final class Conformance {
  private final URI server;
  private final Catalog catalog;
  private final String product;
  private final List<PublicKey> serverKeys;
  private final long maxBodyBytes;
  private final Duration timeout;

  private Conformance(Builder b) {
    this.server = b.server;
    this.catalog = b.catalog;
    this.product = b.product;
    this.serverKeys = List.copyOf(b.serverKeys);
    this.maxBodyBytes = b.maxBodyBytes;
    this.timeout = b.timeout;
  }

  /**
   * Returns a builder; {@link Builder#server} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every case against the server.
   *
   * @return the report, one result per case; a server that cannot be reached fails the cases
   *     rather than throwing
   * @throws InterruptedException if the thread is interrupted while waiting for the server
   */
  public ConformanceReport run() throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Cases cases = new Cases(http, server, catalog, product, serverKeys, maxBodyBytes, timeout);
    return new ConformanceReport(server, cases.runAll());
  }

  /** Configures a {@link Conformance} run. */
  public static final class Builder {
    private URI server;
    private Catalog catalog;
    private String product;
    private final List<PublicKey> serverKeys = new ArrayList<>();
    private long maxBodyBytes = 1024 * 1024;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sets the server's base URL, as clients are configured with it.
     *
     * @param server an absolute {@code http} or {@code https} URL without query or fragment; a
     *     {@code /} is added to a path that does not end with one
     * @return this builder
     * @throws IllegalArgumentException if it is not such a URL
     */
    public Builder server(URI server) {
      Objects.requireNonNull(server, "server == null");
      String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase();
      if (!server.isAbsolute()
          || !(scheme.equals("http") || scheme.equals("https"))
          || server.getHost() == null
          || server.getRawQuery() != null
          || server.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "server must be an absolute http or https URL without query or fragment, got "
                + server);
      }
      String path = server.getRawPath() == null ? "" : server.getRawPath();
      this.server = path.endsWith("/") ? server : URI.create(server + "/");
      return this;
    }

    /**
     * Sets the catalog the server serves: offers are then checked against what the catalog gives
     * the request, and patch cases run when it has patches. Replaces a {@link #product}.
     *
     * @param catalog the server's catalog
     * @return this builder
     * @throws IllegalStateException if a product was set
     */
    public Builder catalog(Catalog catalog) {
      if (product != null) {
        throw new IllegalStateException("set a catalog or a product, not both");
      }
      this.catalog = Objects.requireNonNull(catalog, "catalog == null");
      return this;
    }

    /**
     * Sets a product the server offers something to (for a request with version {@code 0}, on
     * {@code Linux} in {@code en-US}), when its catalog is not at hand: the offer cases then check
     * whatever the server offers, without knowing what it should.
     *
     * @param product a product name
     * @return this builder
     * @throws IllegalStateException if a catalog was set
     */
    public Builder product(String product) {
      if (catalog != null) {
        throw new IllegalStateException("set a catalog or a product, not both");
      }
      this.product = Objects.requireNonNull(product, "product == null");
      return this;
    }

    /**
     * Adds the public keys the server signs responses with: the signature case then asks for a
     * signed answer and verifies it (docs/PROTOCOL.md, "Response signatures").
     *
     * @param keys Ed25519 public keys
     * @return this builder
     */
    public Builder serverKeys(List<PublicKey> keys) {
      for (PublicKey k : keys) {
        serverKeys.add(Objects.requireNonNull(k, "key == null"));
      }
      return this;
    }

    /**
     * Sets the server's request body limit; the size case sends one byte more and expects {@code
     * 413}. The default, 1 MiB, is the protocol's document bound; the reference server's default
     * limit (64 KiB) is below it.
     *
     * @param maxBodyBytes the limit in bytes, at least 1 KiB (every request of the kit fits) and
     *     at most 64 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes < 1024 || maxBodyBytes > 64L * 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be from 1024 to 67108864, got " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Sets how long to wait to connect and for each answer.
     *
     * @param timeout a positive duration; 10 seconds by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Returns the configured run.
     *
     * @return the run, ready to {@link Conformance#run()}
     * @throws IllegalStateException if no server was set
     */
    public Conformance build() {
      if (server == null) {
        throw new IllegalStateException("server is required");
      }
      return new Conformance(this);
    }
  }
}
