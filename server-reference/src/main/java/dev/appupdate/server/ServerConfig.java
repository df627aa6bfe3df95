package dev.appupdate.server;

import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What an {@link AppUpdateServer} runs with: every setting of its builder, defaults applied,
 * checked for conflicts by {@link AppUpdateServer.Builder#build()}. Immutable.
 *
 * @param publicUrl the configured public URL, or null to derive it from the listening socket
 * @param catalogFile the catalog file, or null for the embedded demo catalog
 * @param filesDir the directory served under {@code /files/}, or null for the embedded demo files
 * @param keyFile the request-id key file, {@code DATA/request-id.key} unless configured
 * @param responseKeyFiles the private key files of the response keys; empty when answers are not
 *     signed
 * @param trustedReleaseKeys the release keys every release must be validly signed by, or null when
 *     the server checks no release signatures
 * @param workerThreads the worker pool's size, or 0 for virtual threads where the JDK has them
 * @param checkLimit the per-address limit of update checks, or null for none
 * @param completionLimit the per-address limit of completion reports, or null for none
 * @param ticker the nanosecond ticker of the rate limits
 * @param completionLimits the caps, free-space watermark and retention of the JSONL completion
 *     store
 * @param database the PostgreSQL completion store, or null for the completion log of the data
 *     directory
 * @param admin the admin listener, or null when it is off
 * @param watchdog the watchdog that ends slow clients, not closed by the server; null for one of
 *     the server's own
 */
record ServerConfig(
    int port,
    InetAddress bind,
    URI publicUrl,
    Path catalogFile,
    Path filesDir,
    Path dataDir,
    Path keyFile,
    List<Path> responseKeyFiles,
    TrustedKeys trustedReleaseKeys,
    JsonlCompletionStore.Limits completionLimits,
    int bodyLimit,
    Duration retention,
    Clock clock,
    JsonlCompletionStore.Disk disk,
    PostgresCompletionStore.Settings database,
    boolean watchCatalog,
    CatalogWatcher.Timing watchTiming,
    int workerThreads,
    int queueCapacity,
    RateLimit checkLimit,
    RateLimit completionLimit,
    List<Cidr> rateLimitExempt,
    List<Cidr> trustedProxies,
    LongSupplier ticker,
    Admin admin,
    Watchdog watchdog) {

  /**
   * The admin listener's settings.
   *
   * @param port the port, 0 for any free one
   * @param bind the address; a non-loopback one only with TLS
   * @param tokenFile the bearer token's file, created when missing
   * @param tlsKeyStore a PKCS#12 key store to serve HTTPS with, or null for plain HTTP
   * @param tlsPassword the key store's password, or null
   */
  record Admin(int port, InetAddress bind, Path tokenFile, Path tlsKeyStore, char[] tlsPassword) {}

  /** Returns {@code address} as a URL host: brackets around IPv6, without a zone. */
  static String literal(InetAddress address) {
    String host = address.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return address instanceof Inet6Address ? "[" + host + "]" : host;
  }

  /** Returns the bind address as a URL host: brackets around IPv6, without a zone. */
  String hostLiteral() {
    return literal(bind);
  }

  /**
   * Refuses a data directory or key file inside the files directory: {@code --files .} with the
   * default {@code --data ./appupdate-data} would serve the key, which forges request ids, and the
   * completion log to anyone; a response key there would let anyone sign answers as the server. Checked before anything is created; each request is checked again,
   * since the files directory may be a symbolic link that a deploy swaps. Does nothing without a
   * files directory.
   *
   * @throws IOException naming the path that lies inside, or if the files directory does not exist
   */
  void refuseToServePrivateFiles() throws IOException {
    if (filesDir == null) {
      return;
    }
    Path files = DirectoryFileStore.realRoot(filesDir);
    if (DirectoryFileStore.realPathOf(dataDir).startsWith(files)) {
      throw new IOException(
          "the data directory "
              + dataDir
              + " is the files directory "
              + filesDir
              + " or inside it, which would serve the request-id key and the completion log to"
              + " anyone: give the data directory a place outside the files directory");
    }
    if (DirectoryFileStore.realPathOf(keyFile).startsWith(files)) {
      throw new IOException(
          "the request-id key file "
              + keyFile
              + " is inside the files directory "
              + filesDir
              + ", which would serve it to anyone: keep the key outside the files directory");
    }
    if (admin != null && DirectoryFileStore.realPathOf(admin.tokenFile()).startsWith(files)) {
      throw new IOException(
          "the admin token file "
              + admin.tokenFile()
              + " is inside the files directory "
              + filesDir
              + ", which would serve it to anyone: keep it outside the files directory");
    }
    for (Path responseKey : responseKeyFiles) {
      if (DirectoryFileStore.realPathOf(responseKey).startsWith(files)) {
        throw new IOException(
            "the response key file "
                + responseKey
                + " is inside the files directory "
                + filesDir
                + ", which would serve it to anyone: keep the key outside the files directory");
      }
    }
  }
}
