package dev.appupdate.server;

import dev.appupdate.protocol.requestid.RequestIds;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** The command line of {@link Main}: a small hand-written parser with one-line error messages. */
final class CommandLine {

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: java -jar appupdate-server.jar [OPTION]...",
          "Runs the appupdate reference server (protocol v1).",
          "",
          "  --port N            TCP port to listen on; 0 picks a free one (default 8000)",
          "  --bind ADDRESS      address to listen on (default 127.0.0.1); a wildcard address",
          "                      (0.0.0.0, ::) needs --public-url",
          "  --public-url URL    base URL clients reach this server at, for relative catalog URLs",
          "                      (default http://ADDRESS:PORT/)",
          "  --catalog FILE      release catalog, JSON (default: the embedded demo catalog);",
          "                      reloaded when it changes, an invalid change is logged and",
          "                      shown by /healthz while the previous catalog keeps serving",
          "  --files DIR         directory served under /files/ (default: the embedded demo files);",
          "                      hidden files and the data directory are never served, and it",
          "                      must not be writable by untrusted users",
          "  --data DIR          completion log, request-id key and lock, one server each",
          "                      (default ./appupdate-data); not inside --files",
          "  --key FILE          request-id key, created if missing (default DATA/request-id.key);",
          "                      replicas share this file, each with its own --data",
          "  --retention AGE     how long request ids stay valid: 30d, 12h, 90m, 3600s or",
          "                      an ISO-8601 duration such as P30D (default 30d, at most 3650d)",
          "  --max-completion-keys N",
          "                      completions of unexpired request ids remembered to record a",
          "                      repeated report once, about 40 bytes each (default 2000000);",
          "                      when full, new completions are answered 503",
          "  --help              print this help and exit",
          "",
          "Options take their value as the next argument or after '=' (--port=8080).",
          "",
          "Routes:",
          "  POST /v1/update       update check (protocol v1)",
          "  POST /v1/completion   completion report (protocol v1)",
          "  POST /v1/explain      why each release of the product was or was not offered,",
          "                        for the same body as /v1/update",
          "  GET  /files/NAME      the files directory, with Range, If-Range and ETag",
          "  GET  /healthz         status, release count, catalog load time, last catalog error;",
          "                        503 while the completion log cannot be written",
          "");

  /**
   * The parsed options.
   *
   * @param help whether to print the usage and exit
   * @param port the port, 0 for any
   * @param bind the address to listen on
   * @param publicUrl the public base URL, or null for the default
   * @param catalog the catalog file, or null for the embedded demo catalog
   * @param files the files directory, or null for the embedded demo files
   * @param data the data directory
   * @param key the request-id key file, or null for the one in the data directory
   * @param retention how long request ids stay valid
   * @param maxCompletionKeys how many completion keys are remembered at most
   */
  record Options(
      boolean help,
      int port,
      InetAddress bind,
      URI publicUrl,
      Path catalog,
      Path files,
      Path data,
      Path key,
      Duration retention,
      int maxCompletionKeys) {
    Options {
      Objects.requireNonNull(bind, "bind == null");
      Objects.requireNonNull(data, "data == null");
      Objects.requireNonNull(retention, "retention == null");
    }
  }

  /** A bad command line; the message is one line naming the option and the problem. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private CommandLine() {}

  /**
   * Parses {@code args}.
   *
   * @throws UsageException for an unknown, repeated or valueless option, a positional argument, or
   *     an invalid value
   */
  static Options parse(String... args) throws UsageException {
    boolean help = false;
    int port = AppUpdateServer.DEFAULT_PORT;
    InetAddress bind = InetAddress.getLoopbackAddress();
    URI publicUrl = null;
    Path catalog = null;
    Path files = null;
    Path data = Path.of("appupdate-data");
    Path key = null;
    Duration retention = AppUpdateServer.DEFAULT_RETENTION;
    int maxCompletionKeys = CompletionLog.DEFAULT_MAX_KEYS;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument " + quote(arg) + "; options start with --");
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!seen.add(name)) {
        throw new UsageException(name + " given twice");
      }
      if (name.equals("--help")) {
        if (value != null) {
          throw new UsageException("--help takes no value");
        }
        help = true;
        continue;
      }
      if (!Set.of(
              "--port",
              "--bind",
              "--public-url",
              "--catalog",
              "--files",
              "--data",
              "--key",
              "--retention",
              "--max-completion-keys")
          .contains(name)) {
        throw new UsageException("unknown option " + quote(name));
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--port":
          port = port(value);
          break;
        case "--bind":
          bind = address(value);
          break;
        case "--public-url":
          publicUrl = url(value);
          break;
        case "--catalog":
          catalog = existing(name, value, false);
          break;
        case "--files":
          files = existing(name, value, true);
          break;
        case "--data":
          data = path(name, value);
          if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new UsageException("--data: " + quote(value) + " exists and is not a directory");
          }
          break;
        case "--key":
          key = keyFile(value);
          break;
        case "--max-completion-keys":
          maxCompletionKeys = maxCompletionKeys(value);
          break;
        default: // "--retention", the last of the names checked above
          retention = retention(value);
          break;
      }
    }
    if (bind.isAnyLocalAddress() && publicUrl == null && !help) {
      throw new UsageException(
          "--bind "
              + bind.getHostAddress()
              + " listens on every interface: give --public-url, the URL clients reach this server"
              + " at");
    }
    return new Options(
        help, port, bind, publicUrl, catalog, files, data, key, retention, maxCompletionKeys);
  }

  private static Path keyFile(String value) throws UsageException {
    Path path = path("--key", value);
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new UsageException("--key: " + quote(value) + " exists and is not a regular file");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.exists(path) && (dir == null || !Files.isDirectory(dir))) {
      throw new UsageException(
          "--key: " + quote(value) + " does not exist, nor does the directory to create it in");
    }
    return path;
  }

  private static int maxCompletionKeys(String value) throws UsageException {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= CompletionKeys.MAX_CAP) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "--max-completion-keys: must be a number 1-"
            + CompletionKeys.MAX_CAP
            + ", got "
            + quote(value));
  }

  private static int port(String value) throws UsageException {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--port: must be a number 0-65535, got " + quote(value));
  }

  private static InetAddress address(String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException("--bind: must be an address, got " + quote(value));
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new UsageException("--bind: unknown host " + quote(value));
    }
  }

  private static URI url(String value) throws UsageException {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new UsageException("--public-url: not a URL (" + e.getReason() + "): " + quote(value));
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new UsageException(
          "--public-url: must be an absolute http or https URL without query or fragment, got "
              + quote(value));
    }
    return uri;
  }

  private static Path path(String name, String value) throws UsageException {
    if (value.isEmpty()) {
      throw new UsageException(name + ": must be a path, got an empty value");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(name + ": invalid path " + quote(value) + ": " + e.getReason());
    }
  }

  private static Path existing(String name, String value, boolean directory) throws UsageException {
    Path path = path(name, value);
    if (!Files.exists(path)) {
      throw new UsageException(name + ": " + quote(value) + " does not exist");
    }
    if (directory && !Files.isDirectory(path)) {
      throw new UsageException(name + ": " + quote(value) + " is not a directory");
    }
    if (!directory && !Files.isRegularFile(path)) {
      throw new UsageException(name + ": " + quote(value) + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new UsageException(name + ": " + quote(value) + " is not readable");
    }
    return path;
  }

  /** Reads {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s} or an ISO-8601 duration. */
  static Duration retention(String value) throws UsageException {
    Duration d = null;
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.matches("[0-9]{1,9}[dhms]")) {
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 'd':
          d = Duration.ofDays(n);
          break;
        case 'h':
          d = Duration.ofHours(n);
          break;
        case 'm':
          d = Duration.ofMinutes(n);
          break;
        default:
          d = Duration.ofSeconds(n);
          break;
      }
    } else if (v.startsWith("p")) {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null) {
      throw new UsageException(
          "--retention: must be like 30d, 12h, 90m, 3600s or P30D, got " + quote(value));
    }
    if (d.isZero() || d.isNegative()) {
      throw new UsageException("--retention: must be positive, got " + quote(value));
    }
    if (d.compareTo(RequestIds.MAX_RETENTION) > 0) {
      throw new UsageException(
          "--retention: must be at most "
              + RequestIds.MAX_RETENTION.toDays()
              + "d (about ten years), got "
              + quote(value));
    }
    return d;
  }

  private static String quote(String value) {
    return JsonBody.printable(value);
  }
}
