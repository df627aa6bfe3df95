package dev.appupdate.examples.cli;

import dev.appupdate.client.Sleeper;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.patch.ZstdPatches;
import dev.appupdate.client.UpdateServerException;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The options that {@code check} and {@code update} share, a picocli mixin: which server, what to
 * ask it, and which keys its answers and offers must be signed by.
 */
final class ServerOptions {
  /** How long connecting to a server may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a server may take to answer a request. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  // Valid stand-ins, so that each value can be checked on its own and every problem be reported.
  private static final String PRODUCT = "p";
  private static final String VERSION = "1";
  private static final String PLATFORM = "p";
  private static final String LOCALE = "en";

  @Option(
      names = "--server",
      paramLabel = "URL",
      required = true,
      order = 1,
      description =
          "the update server's base URL: https, or plain http to a loopback host"
              + " (localhost, 127.0.0.0/8, ::1) such as http://127.0.0.1:8000")
  private String server;

  @Option(
      names = "--product",
      paramLabel = "P",
      required = true,
      order = 2,
      description = "the product asking, such as your_app")
  private String product;

  @Option(
      names = "--version",
      paramLabel = "V",
      required = true,
      order = 3,
      description = "the installed application version, such as 666")
  private String version;

  @Option(
      names = "--platform",
      paramLabel = "X",
      required = true,
      order = 4,
      description = "the platform, such as macOS, Windows or Linux")
  private String platform;

  @Option(
      names = "--locale",
      paramLabel = "L",
      required = true,
      order = 5,
      description = "a BCP 47 language tag, such as en-US")
  private String locale;

  @Option(
      names = "--channel",
      paramLabel = "C",
      order = 6,
      description = "the update channel; release by default")
  private String channel;

  @Option(
      names = "--installation-id",
      paramLabel = "ID",
      order = 7,
      description =
          "a stable id of this installation; without it the server offers only fully"
              + " rolled-out releases")
  private String installationId;

  @Option(
      names = "--installed",
      paramLabel = "TYPE=VERSION",
      order = 8,
      description = "an update already installed, so that only newer ones are offered; repeatable")
  private List<String> installed = new ArrayList<>();

  @Option(
      names = "--insecure-http",
      order = 9,
      description = "allow plain http to any host, for the server and for downloads")
  private boolean insecureHttp;

  @Option(
      names = "--trust",
      paramLabel = "PUBLIC",
      order = 10,
      description =
          "a public key file (as keygen writes it) of a release key: only offers it signed are"
              + " downloaded; repeatable, for a key change-over")
  private List<String> trustNames = new ArrayList<>();

  @Option(
      names = "--server-key",
      paramLabel = "PUBLIC",
      order = 11,
      description =
          "a public key file of the server's response key: only answers it signed for this"
              + " very check are accepted; repeatable, for a key change-over")
  private List<String> serverKeyNames = new ArrayList<>();

  private URI serverUri;
  /** Whether the client asks for patches and applies them: set by update, not by check. */
  boolean patches;
  private UpdateClient client;
  private UpdateClient unpinned;

  /** The pinned server keys; null when no --server-key was given. */
  private TrustedKeys serverKeys;

  /**
   * Checks every value, each on its own, then builds the client, which applies the HTTPS rule.
   *
   * @param sleeper how the client waits between retries
   * @return one message per problem, each naming its option; empty when {@link #client()} is ready
   */
  List<String> validate(Sleeper sleeper) {
    List<String> problems = new ArrayList<>();
    serverUri = server == null ? null : serverUri(server, problems);
    String p = field(problems, "--product", product, y -> request(y, VERSION, PLATFORM, LOCALE));
    String v = field(problems, "--version", version, y -> request(PRODUCT, y, PLATFORM, LOCALE));
    String x = field(problems, "--platform", platform, y -> request(PRODUCT, VERSION, y, LOCALE));
    String l = field(problems, "--locale", locale, y -> request(PRODUCT, VERSION, PLATFORM, y));
    String c = field(problems, "--channel", channel, y -> request().channel(y));
    String id =
        field(problems, "--installation-id", installationId, y -> request().installationId(y));
    Map<String, String> types = installed(problems);
    List<PublicKey> releaseKeys = keys("--trust", trustNames, problems);
    List<PublicKey> responseKeys = keys("--server-key", serverKeyNames, problems);
    if (serverUri == null) {
      return problems;
    }
    // Stand-ins for invalid values: the client is built in any case, to check the server URL.
    UpdateRequest.Builder r =
        request(
            p == null ? PRODUCT : p,
            v == null ? VERSION : v,
            x == null ? PLATFORM : x,
            l == null ? LOCALE : l);
    if (c != null) {
      r.channel(c);
    }
    if (id != null) {
      r.installationId(id);
    }
    types.forEach(r::installed);
    UpdateClient.Builder b =
        UpdateClient.builder()
            .serverUri(serverUri)
            .request(r.build())
            .allowInsecureHttp(insecureHttp)
            .connectTimeout(CONNECT_TIMEOUT)
            .requestTimeout(REQUEST_TIMEOUT)
            .sleeper(sleeper);
    if (patches) {
      b.patches(ZstdPatches.applier());
    }
    if (!releaseKeys.isEmpty()) {
      b.trustedReleaseKeys(releaseKeys.toArray(PublicKey[]::new));
    }
    unpinned = null;
    if (!responseKeys.isEmpty()) {
      try {
        // Before pinning: check verifies the one answer itself, then has it sorted by resultOf,
        // which a pinned client refuses.
        unpinned = b.build();
      } catch (IllegalArgumentException e) {
        // The same problem is reported by the build below.
      }
    }
    if (!responseKeys.isEmpty()) {
      try {
        b.trustedServerKeys(responseKeys.toArray(PublicKey[]::new));
        serverKeys = TrustedKeys.of(responseKeys);
      } catch (IllegalArgumentException e) {
        problems.add("--server-key: " + afterField(e.getMessage()));
      }
    }
    try {
      client = b.build();
      if (unpinned == null) {
        unpinned = client;
      }
    } catch (IllegalArgumentException e) {
      problems.add(serverProblem(e));
    }
    if (!problems.isEmpty()) {
      client = null;
      unpinned = null;
      serverKeys = null;
    }
    return problems;
  }

  /**
   * Reads the public key files an option names, adding a problem for each that cannot be used: a
   * key file that is missing or wrong is a mistake on the command line, found before anything is
   * sent.
   */
  private static List<PublicKey> keys(String option, List<String> names, List<String> problems) {
    List<PublicKey> keys = new ArrayList<>();
    for (String name : names) {
      Path file = Usage.path(option, name, problems);
      if (file == null) {
        continue;
      }
      try {
        keys.add(Ed25519Keys.readPublicKey(file));
      } catch (IOException e) {
        problems.add(
            option
                + ": "
                + (e instanceof FileSystemException
                    ? "cannot read public key file " + file + ": " + Failures.describe(e)
                    : Failures.oneLine(String.valueOf(e.getMessage()))));
      }
    }
    return keys;
  }

  private static UpdateRequest.Builder request() {
    return request(PRODUCT, VERSION, PLATFORM, LOCALE);
  }

  private static UpdateRequest.Builder request(String p, String v, String x, String l) {
    return UpdateRequest.builder(p, v, x, l);
  }

  /**
   * Returns {@code value} if the protocol accepts it in the request {@code probe} builds, else adds
   * why not and returns null; null when the option was not given.
   */
  private static String field(
      List<String> problems,
      String option,
      String value,
      Function<String, UpdateRequest.Builder> probe) {
    if (value == null) {
      return null;
    }
    try {
      probe.apply(value).build();
      return value;
    } catch (IllegalArgumentException e) {
      problems.add(option + ": " + afterField(e.getMessage()));
      return null;
    }
  }

  private static URI serverUri(String text, List<String> problems) {
    if (!text.contains("://")) {
      problems.add(
          "--server must be an absolute URL such as http://127.0.0.1:8000, got "
              + Usage.quote(text));
      return null;
    }
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      problems.add("--server: not a URL: " + Failures.oneLine(e.getMessage()));
      return null;
    }
  }

  private Map<String, String> installed(List<String> problems) {
    Map<String, String> types = new LinkedHashMap<>();
    for (String entry : installed) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        problems.add("--installed needs TYPE=VERSION, got " + Usage.quote(entry));
        continue;
      }
      String type = entry.substring(0, eq);
      String v = entry.substring(eq + 1);
      try {
        // The protocol's own rules, on this entry alone, so the message can quote the entry.
        request().installed(type, v).build();
      } catch (IllegalArgumentException e) {
        problems.add("--installed " + Usage.quote(entry) + ": " + afterField(e.getMessage()));
        continue;
      }
      String earlier = types.putIfAbsent(type, v);
      if (earlier != null) {
        problems.add("--installed names " + type + " twice (" + earlier + " and " + v + ")");
      }
    }
    return types;
  }

  /** Says why the client refused the server URL, naming the option. */
  private String serverProblem(IllegalArgumentException e) {
    if (!insecureHttp && "http".equalsIgnoreCase(serverUri.getScheme())) {
      try {
        UpdateClient.builder()
            .serverUri(serverUri)
            .request(request().build())
            .allowInsecureHttp(true)
            .build();
        return "--server: plain http to "
            + serverUri.getHost()
            + " is refused; use https, or add --insecure-http (loopback hosts need neither)";
      } catch (IllegalArgumentException stillRefused) {
        // not only the plain-HTTP rule: the message below says what
      }
    }
    String message = e.getMessage();
    return message.startsWith("serverUri")
        ? "--server" + message.substring("serverUri".length())
        : message;
  }

  private static String afterField(String message) {
    int colon = message.indexOf(": ");
    return colon > 0 ? message.substring(colon + 2) : message;
  }

  /**
   * Returns the client for these options without the {@code --server-key} pins, once {@link
   * #validate} found no problem: for sorting an answer whose signature was verified already.
   */
  UpdateClient unpinnedClient() {
    if (unpinned == null) {
      throw new IllegalStateException("validate() has not passed");
    }
    return unpinned;
  }

  /** Returns the client for these options, once {@link #validate} found no problem. */
  UpdateClient client() {
    if (client == null) {
      throw new IllegalStateException("validate() has not passed");
    }
    return client;
  }

  /**
   * Returns the server keys given with {@code --server-key}, once {@link #validate} found no
   * problem.
   *
   * @return the keys every answer must be signed by; null when none were given
   */
  TrustedKeys serverKeys() {
    client();
    return serverKeys;
  }

  /** Returns the URL of the update check: {@code v1/update} under the base URL. */
  URI updateUri() {
    String path = serverUri.getRawPath();
    URI base = path != null && path.endsWith("/") ? serverUri : URI.create(serverUri + "/");
    return base.resolve("v1/update");
  }

  /**
   * Returns the message for a failed update check, for example {@code cannot reach the update
   * server at http://127.0.0.1:8000/v1/update: connection refused to 127.0.0.1:8000}.
   */
  String checkFailure(Exception e) {
    if (e instanceof UpdateServerException) {
      return "update check failed: " + Failures.oneLine(e.getMessage());
    }
    if (e instanceof ProtocolException) {
      return "update check failed: the answer of "
          + updateUri()
          + " is not a valid update response: "
          + Failures.oneLine(e.getMessage());
    }
    if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
      return "update check interrupted";
    }
    if (e instanceof IOException) {
      return "cannot reach the update server at " + updateUri() + ": " + describe(e);
    }
    return "update check failed: " + describe(e);
  }

  /** Describes a failure to talk to the server, as a person would. */
  String describe(Throwable t) {
    return Failures.describe(t, serverUri, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }
}
