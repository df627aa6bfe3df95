package dev.appupdate.examples.cli;

import dev.appupdate.client.Sleeper;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.UpdateServerException;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The options that {@code check} and {@code update} share: which server, and what to ask it. */
final class ServerOptions {
  /** Options taking one value. */
  static final Set<String> SINGLE =
      Set.of(
          "--server",
          "--product",
          "--version",
          "--platform",
          "--locale",
          "--channel",
          "--installation-id");

  /** Options taking a value, repeatable. */
  static final Set<String> REPEATABLE = Set.of("--installed");

  /** The flag that allows plain HTTP to hosts other than loopback. */
  static final String INSECURE_HTTP = "--insecure-http";

  /** The help lines of the shared options. */
  static final String HELP =
      """
        --server URL              the update server's base URL, such as
                                  http://127.0.0.1:8000: https, or plain http
                                  to a loopback host (localhost, 127.0.0.0/8, ::1)
        --product P               the product asking, such as your_app
        --version V               the installed application version, such as 666
        --platform X              the platform, such as macOS, Windows or Linux
        --locale L                a BCP 47 language tag, such as en-US
        --channel C               the update channel; release by default
        --installation-id ID      a stable id of this installation; without it the
                                  server offers only fully rolled-out releases
        --installed TYPE=VERSION  an update already installed, so that only newer
                                  ones are offered; repeatable
        --insecure-http           allow plain http to any host, for the server and
                                  for downloads
      """;

  /** Protocol field names, as the client's validation messages start, to the options. */
  private static final Map<String, String> OPTION_OF_FIELD =
      Map.of(
          "product", "--product",
          "version", "--version",
          "platform", "--platform",
          "locale", "--locale",
          "channel", "--channel",
          "installation_id", "--installation-id");

  private final Args args;
  private final URI server;
  private final Map<String, String> installed;

  private ServerOptions(Args args, URI server, Map<String, String> installed) {
    this.args = args;
    this.server = server;
    this.installed = installed;
  }

  /**
   * Reads the shared options from {@code args}.
   *
   * @throws UsageException if a required option is missing or a value is malformed
   */
  static ServerOptions from(Args args) throws UsageException {
    String serverText = args.required("--server");
    for (String name : new String[] {"--product", "--version", "--platform", "--locale"}) {
      args.required(name);
    }
    if (!serverText.contains("://")) {
      throw new UsageException(
          "--server must be an absolute URL such as http://127.0.0.1:8000, got "
              + Args.quote(serverText));
    }
    URI server;
    try {
      server = new URI(serverText);
    } catch (URISyntaxException e) {
      throw new UsageException("--server: not a URL: " + Failures.oneLine(e.getMessage()));
    }
    Map<String, String> installed = new LinkedHashMap<>();
    for (String entry : args.values("--installed")) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new UsageException("--installed needs TYPE=VERSION, got " + Args.quote(entry));
      }
      String type = entry.substring(0, eq);
      String version = entry.substring(eq + 1);
      String earlier = installed.putIfAbsent(type, version);
      if (earlier != null) {
        throw new UsageException(
            "--installed names " + type + " twice (" + earlier + " and " + version + ")");
      }
      try {
        // The protocol's own rules, on this entry alone, so the message can quote the entry.
        UpdateRequest.builder("p", "1", "p", "en").installed(type, version).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            "--installed " + Args.quote(entry) + ": " + afterField(e.getMessage()));
      }
    }
    return new ServerOptions(args, server, installed);
  }

  /** Returns the URL of the update check: {@code v1/update} under the base URL. */
  URI updateUri() {
    String path = server.getRawPath();
    URI base = path != null && path.endsWith("/") ? server : URI.create(server + "/");
    return base.resolve("v1/update");
  }

  /** Returns true when plain HTTP to any host is allowed. */
  boolean insecureHttp() {
    return args.flag(INSECURE_HTTP);
  }

  /**
   * Builds a client for these options.
   *
   * @param sleeper how the client waits between retries
   * @throws UsageException if a value is invalid, naming its option
   */
  UpdateClient client(Sleeper sleeper) throws UsageException {
    try {
      return builder(insecureHttp()).sleeper(sleeper).build();
    } catch (IllegalArgumentException e) {
      if (!insecureHttp() && "http".equalsIgnoreCase(server.getScheme()) && allowedInsecure()) {
        throw new UsageException(
            "--server: plain http to "
                + server.getHost()
                + " is refused; use https, or add "
                + INSECURE_HTTP
                + " (loopback hosts need neither)");
      }
      throw new UsageException(translate(e.getMessage()));
    }
  }

  /** Returns true when only the plain-HTTP rule refuses the server URL. */
  private boolean allowedInsecure() {
    try {
      builder(true).build();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private UpdateClient.Builder builder(boolean allowInsecureHttp) {
    UpdateRequest.Builder r =
        UpdateRequest.builder(
            args.value("--product"),
            args.value("--version"),
            args.value("--platform"),
            args.value("--locale"));
    if (args.value("--channel") != null) {
      r.channel(args.value("--channel"));
    }
    if (args.value("--installation-id") != null) {
      r.installationId(args.value("--installation-id"));
    }
    installed.forEach(r::installed);
    return UpdateClient.builder()
        .serverUri(server)
        .request(r.build())
        .allowInsecureHttp(allowInsecureHttp);
  }

  /** Rewrites a validation message of the client or protocol to name the option. */
  private static String translate(String message) {
    if (message.startsWith("serverUri")) {
      return "--server" + message.substring("serverUri".length());
    }
    int colon = message.indexOf(": ");
    if (colon > 0) {
      String option = OPTION_OF_FIELD.get(message.substring(0, colon));
      if (option != null) {
        return option + message.substring(colon);
      }
    }
    return message;
  }

  private static String afterField(String message) {
    int colon = message.indexOf(": ");
    return colon > 0 ? message.substring(colon + 2) : message;
  }

  /**
   * Returns the message for a failed update check, for example {@code cannot reach the update
   * server at http://127.0.0.1:8000/v1/update: Connection refused (ConnectException)}.
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
    if (e instanceof InterruptedIOException) {
      return "update check interrupted";
    }
    if (e instanceof IOException) {
      return "cannot reach the update server at " + updateUri() + ": " + Failures.describe(e);
    }
    return "update check failed: " + Failures.describe(e);
  }
}
