package dev.appupdate.server;

import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line of {@link Main}, parsed by picocli. Every value is checked while it is read, so
 * that one run reports every problem of a command line at once.
 */
@Command(
    name = "appupdate-server",
    customSynopsis = "java -jar appupdate-server.jar [OPTION]...",
    description =
        "Runs the appupdate reference server (protocol v1). Options take their value as the"
            + " next argument or after '=' (--port=8080).",
    exitCodeList = {
      "0:stopped gracefully (SIGTERM or SIGINT), or --help or --version",
      "1:cannot start, or the completion log could not be flushed at the stop",
      "2:usage error: unknown option, missing or invalid value"
    },
    footerHeading = "%nRoutes:%n",
    footer = {
      "  POST /v1/update       update check (protocol v1); signed with --response-key",
      "                        when the request asks (Accept-Signature)",
      "  POST /v1/completion   completion report (protocol v1)",
      "  POST /v1/explain      why each release of the product was or was not offered,",
      "                        for the same body as /v1/update",
      "  GET  /files/NAME      the files directory, with Range, ETag and If-Range (an",
      "                        ETag; a date never resumes)",
      "  GET  /healthz         status, release count, catalog load time, last catalog",
      "                        error, completion store state; 503 only while stopping",
      "",
      "Limits on slow clients (docs/DEPLOYMENT.md): request line and headers within",
      "10 s, a body at 1 KiB/s or more, a /files answer taken at 1 KiB/s or more",
      "(over 20 s), a whole request within 30 s. An internet-facing server also",
      "wants a reverse proxy in front (docs/deploy/nginx.conf).",
      "",
      "Commands:",
      "  import-completions FILE --database JDBC_URL ...",
      "                        load a completion log (JSON Lines) into the database;",
      "                        importing a file again adds nothing"
    })
final class ServerCommand {
  private static final String NAME = "appupdate-server";

  @Spec private CommandSpec spec;

  @Option(
      names = "--version",
      versionHelp = true,
      order = 98,
      description = "print the version and exit")
  private boolean versionRequested;

  private boolean helpRequested;

  private int port = AppUpdateServer.DEFAULT_PORT;
  private InetAddress bind = InetAddress.getLoopbackAddress();
  private URI publicUrl;
  private Path catalog;
  private Path files;
  private Path data = Path.of("appupdate-data");
  private Path key;
  private Duration retention = AppUpdateServer.DEFAULT_RETENTION;
  private int maxCompletionKeys = JsonlCompletionStore.DEFAULT_MAX_KEYS;
  private RateLimit checkLimit;
  private RateLimit completionLimit = RateLimit.COMPLETIONS;
  private long maxCompletionLogBytes = JsonlCompletionStore.DEFAULT_MAX_BYTES;
  private long minFreeSpace = JsonlCompletionStore.DEFAULT_MIN_FREE_BYTES;
  private Integer adminPort = DEFAULT_ADMIN_PORT;
  private InetAddress adminBind = InetAddress.getLoopbackAddress();
  private Path adminTokenFile;
  private Path adminTlsKeyStore;
  private Path adminTlsPasswordFile;
  private char[] adminTlsPassword = new char[0];
  private final List<Path> responseKeys = new ArrayList<>();
  private final List<PublicKey> trusted = new ArrayList<>();

  @Mixin private DatabaseOptions database = new DatabaseOptions();

  // Repeatable options are read as they come and checked in parse(): picocli hands a method
  // option the whole list so far at each occurrence.
  @Option(
      names = "--response-key",
      paramLabel = "FILE",
      order = 10,
      description =
          "sign answers to update checks that ask for it (Accept-Signature) with this Ed25519"
              + " private key, PKCS#8 PEM as 'appupdate keygen' writes it, a regular file of this"
              + " user with no group or other access, never a --trust key; never created. Repeatable, up to 16: a key change-over signs with each."
              + " Replicas share the file; the signed URL is --public-url plus v1/update")
  private List<String> responseKeyArgs = new ArrayList<>();

  @Option(
      names = "--trust",
      paramLabel = "PUBLIC_KEY_FILE",
      order = 11,
      description =
          "serve only catalogs whose every release carries a valid signature by this release"
              + " key (SubjectPublicKeyInfo PEM, as 'appupdate keygen' writes it); repeatable."
              + " A catalog that fails is refused at start and not loaded when it changes")
  private List<String> trustArgs = new ArrayList<>();

  @Option(
      names = "--rate-limit-exempt",
      paramLabel = "CIDR",
      order = 14,
      description =
          "client addresses no rate limit applies to, such as load generators and health"
              + " checkers: 10.0.0.0/8, 192.0.2.7, 2001:db8::/32; repeatable")
  private List<String> exemptArgs = new ArrayList<>();

  @Option(
      names = "--trusted-proxy",
      paramLabel = "CIDR",
      order = 15,
      description =
          "reverse proxies in front of the server: for a connection from this range the client"
              + " address of the rate limits is the last X-Forwarded-For entry that is not a"
              + " trusted proxy; without it X-Forwarded-For is ignored; repeatable")
  private List<String> proxyArgs = new ArrayList<>();

  /** The command line is wrong; {@link #problems()} says how, one problem each. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    UsageException(List<String> problems) {
      super(report(problems));
      this.problems = List.copyOf(problems);
    }

    /** Returns each problem, such as {@code --port: must be a number 0-65535, got "x"}. */
    List<String> problems() {
      return problems;
    }

    /** One line per problem, each naming the tool, the last pointing at the help. */
    private static String report(List<String> problems) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < problems.size(); i++) {
        sb.append(i == 0 ? "" : System.lineSeparator()).append(NAME).append(": ");
        sb.append(problems.get(i));
      }
      return sb.append(" (see --help)").toString();
    }
  }

  private ServerCommand() {}

  /**
   * Parses {@code args}. Help and version requests win over any problem of the other arguments.
   *
   * @throws UsageException listing every unknown, repeated or valueless option, positional argument
   *     and invalid value
   */
  static ServerCommand parse(String... args) throws UsageException {
    return parse(System.getenv(), args);
  }

  /**
   * Like {@link #parse(String...)}, with the environment the database and admin key store passwords
   * may come from.
   */
  static ServerCommand parse(Map<String, String> env, String... args) throws UsageException {
    ServerCommand command = new ServerCommand();
    CommandLine commandLine = commandLine(command);
    CommandLine.ParseResult parsed = commandLine.parseArgs(args);
    command.helpRequested = parsed.isUsageHelpRequested();
    if (command.helpRequested || command.versionRequested) {
      return command;
    }
    Set<String> problems = new LinkedHashSet<>();
    for (Exception e : parsed.errors()) {
      problems.addAll(problems(e));
    }
    command.readKeys(problems);
    command.readRanges(problems);
    command.database.finish(env, problems);
    if (command.bind.isAnyLocalAddress() && command.publicUrl == null) {
      problems.add(
          "--bind "
              + command.bind.getHostAddress()
              + " listens on every interface: give --public-url, the URL clients reach this server"
              + " at");
    }
    if (command.adminPort == null
        && (command.adminTokenFile != null || command.adminTlsKeyStore != null)) {
      problems.add("--admin-token-file and --admin-tls-keystore need the admin listener: not --admin-port off");
    }
    if (command.adminPort != null
        && !command.adminBind.isLoopbackAddress()
        && command.adminTlsKeyStore == null) {
      problems.add(
          "--admin-bind "
              + command.adminBind.getHostAddress()
              + " is not a loopback address: give --admin-tls-keystore, so that the admin token"
              + " does not cross the network in clear text");
    }
    if (command.adminTlsPasswordFile != null && command.adminTlsKeyStore == null) {
      problems.add("--admin-tls-password-file needs --admin-tls-keystore");
    } else if (command.adminTlsPasswordFile != null) {
      // The same rules as every other secret file: own, regular, owner-only, first line.
      try {
        command.adminTlsPassword =
            DatabaseOptions.readPassword(command.adminTlsPasswordFile).toCharArray();
      } catch (IOException e) {
        problems.add("--admin-tls-password-file: " + e.getMessage());
      }
    } else if (env.get(ADMIN_TLS_PASSWORD_ENV) != null) {
      command.adminTlsPassword = env.get(ADMIN_TLS_PASSWORD_ENV).toCharArray();
    }
    if (!problems.isEmpty()) {
      throw new UsageException(new ArrayList<>(problems));
    }
    return command;
  }

  private static CommandLine commandLine(ServerCommand command) {
    CommandLine commandLine = new CommandLine(command);
    // The layout of the appupdate CLI's help (its Usage.layout), so that both tools read alike.
    commandLine
        .getCommandSpec()
        .usageMessage()
        .width(80)
        .sortOptions(false)
        .synopsisHeading("Usage: ")
        .descriptionHeading("%n")
        .parameterListHeading("%nArguments:%n")
        .optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n")
        .exitCodeListHeading("%nExit codes:%n");
    commandLine
        .getCommandSpec()
        .addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .order(99)
                .description("print this help and exit")
                .build());
    // Every problem of the command line at once, not only the first.
    commandLine.getCommandSpec().parser().collectErrors(true);
    // "--catalog @prod.json" names a file called @prod.json, not a file of more arguments.
    commandLine.setExpandAtFiles(false);
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    return commandLine;
  }

  /** Returns the help text, ending in a newline. */
  static String usage() {
    return commandLine(new ServerCommand()).getUsageMessage();
  }

  /** Returns the version line, for example {@code appupdate-server 1.0.0}. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = ServerCommand.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return NAME + " " + p.getProperty("version");
  }

  /** Describes a problem picocli found, in the words of the hand-written messages below. */
  private static List<String> problems(Exception e) {
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      return unmatched((CommandLine.UnmatchedArgumentException) e);
    }
    if (e instanceof CommandLine.MissingParameterException) {
      return List.of(
          names(((CommandLine.MissingParameterException) e).getMissing()) + " needs a value");
    }
    if (e instanceof CommandLine.OverwrittenOptionException) {
      return List.of(
          names(List.of(((CommandLine.OverwrittenOptionException) e).getOverwritten()))
              + " given twice");
    }
    return List.of(e.getMessage());
  }

  private static List<String> unmatched(CommandLine.UnmatchedArgumentException e) {
    List<String> unknown = new ArrayList<>();
    for (String arg : e.getUnmatched()) {
      if (arg.startsWith("-") && arg.length() > 1) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String similar = closest(name, e.getCommandLine().getCommandSpec().optionsMap().keySet());
        unknown.add(
            "unknown option "
                + quote(name)
                + (similar == null ? "" : "; did you mean " + similar + "?"));
      }
    }
    // A value after an unknown option was meant for it: only the option is worth a message.
    if (!unknown.isEmpty()) {
      return unknown;
    }
    return List.of(
        "unexpected argument " + quote(e.getUnmatched().get(0)) + "; options start with --");
  }

  /**
   * Returns the name {@code typed} was most likely meant to be, or null: the nearest by edit
   * distance (a transposed pair of letters counts as one edit) if near enough, else the shortest
   * name that {@code typed} abbreviates, such as {@code --max-completion-keys} for {@code --max}.
   * The appupdate CLI suggests the same way.
   */
  static String closest(String typed, Iterable<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String abbreviated = null;
    for (String name : names) {
      int d = distance(typed, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
      if (name.startsWith(typed)
          && typed.replace("-", "").length() >= 3
          && (abbreviated == null || name.length() < abbreviated.length())) {
        abbreviated = name;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 4)) {
      return best;
    }
    return abbreviated;
  }

  /** Optimal string alignment: insertions, deletions, substitutions and transpositions. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static String names(List<ArgSpec> specs) {
    List<String> names = new ArrayList<>();
    for (ArgSpec spec : specs) {
      names.add(spec instanceof OptionSpec ? ((OptionSpec) spec).longestName() : spec.paramLabel());
    }
    return String.join(", ", names);
  }

  @Option(
      names = "--port",
      paramLabel = "N",
      order = 1,
      description = "TCP port to listen on; 0 picks a free one (default 8000)")
  private void port(String value) {
    port = number("--port", value, 0, 65535);
  }

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      order = 2,
      description =
          "address to listen on (default 127.0.0.1); a wildcard address (0.0.0.0, ::) needs"
              + " --public-url")
  private void bind(String value) {
    if (value.isBlank()) {
      throw invalid("--bind: must be an address, got " + quote(value));
    }
    try {
      bind = InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw invalid("--bind: unknown host " + quote(value));
    }
  }

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      order = 3,
      description =
          "base URL clients reach this server at, for relative catalog URLs (default"
              + " http://ADDRESS:PORT/)")
  private void publicUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw invalid("--public-url: not a URL (" + e.getReason() + "): " + quote(value));
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(
          "--public-url: must be an absolute http or https URL without query or fragment, got "
              + quote(value));
    }
    publicUrl = uri;
  }

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      order = 4,
      description =
          "release catalog, JSON (default: the embedded demo catalog); reloaded when it"
              + " changes, an invalid change is logged and shown by /healthz while the previous"
              + " catalog keeps serving")
  private void catalog(String value) {
    catalog = existing("--catalog", value, false);
  }

  @Option(
      names = "--files",
      paramLabel = "DIR",
      order = 5,
      description =
          "directory served under /files/ (default: the embedded demo files); hidden files"
              + " and the data directory are never served, and it must not be writable by"
              + " untrusted users")
  private void files(String value) {
    files = existing("--files", value, true);
  }

  @Option(
      names = "--data",
      paramLabel = "DIR",
      order = 6,
      description =
          "completion log, request-id key and lock, one server each (default"
              + " ./appupdate-data); not inside --files")
  private void data(String value) {
    Path path = path("--data", value);
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw invalid("--data: " + quote(value) + " exists and is not a directory");
    }
    data = path;
  }

  @Option(
      names = "--key",
      paramLabel = "FILE",
      order = 7,
      description =
          "request-id key, created if missing (default DATA/request-id.key); replicas share"
              + " this file, each with its own --data")
  private void key(String value) {
    Path path = path("--key", value);
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw invalid("--key: " + quote(value) + " exists and is not a regular file");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.exists(path) && (dir == null || !Files.isDirectory(dir))) {
      throw invalid(
          "--key: " + quote(value) + " does not exist, nor does the directory to create it in");
    }
    key = path;
  }

  @Option(
      names = "--retention",
      paramLabel = "AGE",
      order = 8,
      description =
          "how long request ids stay valid: 30d, 12h, 90m, 3600s or an ISO-8601 duration"
              + " such as P30D (default 30d, at most 3650d)")
  private void retention(String value) {
    try {
      retention = retentionOf(value);
    } catch (IllegalArgumentException e) {
      throw invalid("--retention: " + e.getMessage());
    }
  }

  @Option(
      names = "--max-completion-keys",
      paramLabel = "N",
      order = 9,
      description =
          "completions of unexpired request ids remembered to record a repeated report"
              + " once, about 40 bytes each (default 2000000); when full, new completions are"
              + " answered 503")
  private void maxCompletionKeys(String value) {
    maxCompletionKeys = number("--max-completion-keys", value, 1, CompletionKeys.MAX_CAP);
  }

  @Option(
      names = "--completion-limit",
      paramLabel = "RATE",
      order = 12,
      description =
          "per-address limit of completion reports, a token bucket: N/s, N/m or N/h with an"
              + " optional :BURST (default 60/m:300), or off. Over it: 429 with Retry-After")
  private void completionLimit(String value) {
    completionLimit = limit("--completion-limit", value);
  }

  @Option(
      names = "--check-limit",
      paramLabel = "RATE",
      order = 13,
      description =
          "per-address limit of update checks (/v1/update, /v1/explain), as --completion-limit;"
              + " a signed check counts twice (default off; for example 600/m:1200)")
  private void checkLimit(String value) {
    checkLimit = limit("--check-limit", value);
  }

  private RateLimit limit(String option, String value) {
    if (value.trim().equalsIgnoreCase("off")) {
      return null;
    }
    try {
      return RateLimit.parse(value);
    } catch (IllegalArgumentException e) {
      throw invalid(option + ": " + e.getMessage());
    }
  }

  /** Checks the address ranges of the repeatable options. */
  private void readRanges(Set<String> problems) {
    for (String value : exemptArgs) {
      try {
        Cidr.parse(value);
      } catch (IllegalArgumentException e) {
        problems.add("--rate-limit-exempt: " + e.getMessage());
      }
    }
    for (String value : proxyArgs) {
      try {
        Cidr.parse(value);
      } catch (IllegalArgumentException e) {
        problems.add("--trusted-proxy: " + e.getMessage());
      }
    }
  }

  /** The environment variable the admin key store's password is read from without a file. */
  static final String ADMIN_TLS_PASSWORD_ENV = "APPUPDATE_ADMIN_TLS_PASSWORD";

  /** The admin listener's port unless {@code --admin-port} says otherwise. */
  static final int DEFAULT_ADMIN_PORT = 8001;

  @Option(
      names = "--admin-port",
      paramLabel = "N|off",
      order = 20,
      description =
          "port of the admin listener (statistics, halts, /metrics); 0 picks a free one, off"
              + " turns it off (default 8001)")
  private void adminPort(String value) {
    adminPort = value.equals("off") ? null : number("--admin-port", value, 0, 65535);
  }

  @Option(
      names = "--admin-bind",
      paramLabel = "ADDRESS",
      order = 21,
      description =
          "address of the admin listener (default 127.0.0.1); any other than a loopback address"
              + " needs --admin-tls-keystore")
  private void adminBind(String value) {
    if (value.isBlank()) {
      throw invalid("--admin-bind: must be an address, got " + quote(value));
    }
    try {
      adminBind = InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw invalid("--admin-bind: unknown host " + quote(value));
    }
  }

  @Option(
      names = "--max-completion-log-size",
      paramLabel = "SIZE",
      order = 17,
      description =
          "cap on the completion log files kept, in bytes or with KiB, MiB, GiB, TiB"
              + " (default 1GiB, at least 64KiB); when reached, new completions are answered 503")
  private void maxCompletionLogSize(String value) {
    try {
      maxCompletionLogBytes = sizeOf(value);
    } catch (IllegalArgumentException e) {
      throw invalid("--max-completion-log-size: " + e.getMessage());
    }
    if (maxCompletionLogBytes < 64 * 1024) {
      throw invalid("--max-completion-log-size: must be at least 64KiB, got " + quote(value));
    }
  }

  @Option(
      names = "--min-free-space",
      paramLabel = "SIZE",
      order = 18,
      description =
          "free space the data directory's disk keeps: while less is free, new completions are"
              + " answered 503 (default 512MiB, 0 for no check)")
  private void minFreeSpace(String value) {
    try {
      minFreeSpace = sizeOf(value);
    } catch (IllegalArgumentException e) {
      throw invalid("--min-free-space: " + e.getMessage());
    }
  }

  /**
   * Reads a number of bytes: digits, optionally followed by {@code KiB}, {@code MiB}, {@code GiB}
   * or {@code TiB} (case-insensitive; {@code K}, {@code M}, {@code G}, {@code T} too).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  static long sizeOf(String value) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,15})\\s*([kmgt](?:ib)?|b)?")
            .matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "must be a number of bytes like 512MiB, 1GiB or 1048576, got " + quote(value));
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).substring(0, 1);
    int shift = "bkmgt".indexOf(unit) * 10;
    if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("too large: " + quote(value));
    }
    return n << shift;
  }

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      order = 22,
      description =
          "file of the admin listener's bearer token, created with a random token and owner-only"
              + " permissions when missing (default DATA/admin.token)")
  private void adminTokenFile(String value) {
    adminTokenFile = path("--admin-token-file", value);
  }

  @Option(
      names = "--admin-tls-keystore",
      paramLabel = "FILE",
      order = 23,
      description = "serve the admin listener over HTTPS with this PKCS#12 key store")
  private void adminTlsKeyStore(String value) {
    adminTlsKeyStore = existing("--admin-tls-keystore", value, false);
  }

  @Option(
      names = "--admin-tls-password-file",
      paramLabel = "FILE",
      order = 24,
      description =
          "file holding the key store's password (or set APPUPDATE_ADMIN_TLS_PASSWORD)")
  private void adminTlsPasswordFile(String value) {
    adminTlsPasswordFile = existing("--admin-tls-password-file", value, false);
  }

  /**
   * Checks the key files of the repeatable options: a response key must be a readable file (its
   * permissions and content are checked at start, which names the file); a trusted public key is
   * read now.
   */
  private void readKeys(Set<String> problems) {
    for (String value : responseKeyArgs) {
      try {
        responseKeys.add(existing("--response-key", value, false));
      } catch (ParameterException e) {
        problems.add(e.getMessage());
      }
    }
    if (responseKeys.size() > ResponseKeys.MAX_KEYS) {
      problems.add(
          "--response-key: at most "
              + ResponseKeys.MAX_KEYS
              + " keys, got "
              + responseKeys.size());
    }
    if (new HashSet<>(responseKeys).size() != responseKeys.size()) {
      problems.add("--response-key: a file is given twice");
    }
    for (String value : trustArgs) {
      try {
        trusted.add(Ed25519Keys.readPublicKey(existing("--trust", value, false)));
      } catch (ParameterException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add("--trust: " + e.getMessage());
      }
    }
  }

  /**
   * Reads {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s} or an ISO-8601 duration.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  static Duration retentionOf(String value) {
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
      throw new IllegalArgumentException(
          "must be like 30d, 12h, 90m, 3600s or P30D, got " + quote(value));
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be positive, got " + quote(value));
    }
    if (d.compareTo(RequestIds.MAX_RETENTION) > 0) {
      throw new IllegalArgumentException(
          "must be at most "
              + RequestIds.MAX_RETENTION.toDays()
              + "d (about ten years), got "
              + quote(value));
    }
    return d;
  }

  private int number(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(option + ": must be a number " + min + "-" + max + ", got " + quote(value));
  }

  private Path path(String option, String value) {
    if (value.isEmpty()) {
      throw invalid(option + ": must be a path, got an empty value");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(option + ": invalid path " + quote(value) + ": " + e.getReason());
    }
  }

  private Path existing(String option, String value, boolean directory) {
    Path path = path(option, value);
    if (!Files.exists(path)) {
      throw invalid(option + ": " + quote(value) + " does not exist");
    }
    if (directory && !Files.isDirectory(path)) {
      throw invalid(option + ": " + quote(value) + " is not a directory");
    }
    if (!directory && !Files.isRegularFile(path)) {
      throw invalid(option + ": " + quote(value) + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw invalid(option + ": " + quote(value) + " is not readable");
    }
    return path;
  }

  /** Picocli collects it and goes on with the next argument. */
  private ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String quote(String value) {
    return JsonBody.printable(value);
  }

  /** Returns true when the help was asked for; nothing else was checked then. */
  boolean helpRequested() {
    return helpRequested;
  }

  /** Returns true when the version was asked for; nothing else was checked then. */
  boolean versionRequested() {
    return versionRequested;
  }

  int port() {
    return port;
  }

  InetAddress bind() {
    return bind;
  }

  /** Returns the public base URL, or null for the default. */
  URI publicUrl() {
    return publicUrl;
  }

  /** Returns the catalog file, or null for the embedded demo catalog. */
  Path catalog() {
    return catalog;
  }

  /** Returns the files directory, or null for the embedded demo files. */
  Path files() {
    return files;
  }

  Path data() {
    return data;
  }

  /** Returns the request-id key file, or null for the one in the data directory. */
  Path key() {
    return key;
  }

  Duration retention() {
    return retention;
  }

  int maxCompletionKeys() {
    return maxCompletionKeys;
  }

  /** Returns the per-address limit of update checks, or null for none. */
  RateLimit checkLimit() {
    return checkLimit;
  }

  /** Returns the per-address limit of completion reports, or null for none. */
  RateLimit completionLimit() {
    return completionLimit;
  }

  /** Returns the ranges exempt from the rate limits. */
  List<String> rateLimitExempt() {
    return List.copyOf(exemptArgs);
  }

  /** Returns the ranges of trusted reverse proxies. */
  List<String> trustedProxies() {
    return List.copyOf(proxyArgs);
  }

  /** Returns how long completion records are kept. */
  Duration completionRetention() {
    return database.retention();
  }

  long maxCompletionLogBytes() {
    return maxCompletionLogBytes;
  }

  long minFreeSpace() {
    return minFreeSpace;
  }

  /** Returns the response key files, in order; empty when answers are not signed. */
  List<Path> responseKeys() {
    return List.copyOf(responseKeys);
  }

  /** Returns the PostgreSQL store's settings, or null for the completion log of the data dir. */
  PostgresCompletionStore.Settings database() {
    return database.settings();
  }

  /** Returns the trusted release keys, in order; empty when release signatures are not checked. */
  List<PublicKey> trusted() {
    return List.copyOf(trusted);
  }

  /** Returns the admin listener's port, or null when it is off. */
  Integer adminPort() {
    return adminPort;
  }

  InetAddress adminBind() {
    return adminBind;
  }

  /** Returns the admin token file, or null for the one in the data directory. */
  Path adminTokenFile() {
    return adminTokenFile;
  }

  /** Returns the admin listener's PKCS#12 key store, or null for plain HTTP. */
  Path adminTlsKeyStore() {
    return adminTlsKeyStore;
  }

  /**
   * Returns the key store's password: the password file's first line, else the environment's
   * {@code APPUPDATE_ADMIN_TLS_PASSWORD}, else empty.
   */
  char[] adminTlsPassword() {
    return adminTlsPassword.clone();
  }
}
