package dev.appupdate.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that choose the PostgreSQL completion store, shared by the server's command line and
 * {@code import-completions}. The password never comes from the command line, where other users
 * of the machine could read it: from an owner-only file or the environment.
 */
final class DatabaseOptions {
  /** The environment variable the password is read from without a password file. */
  static final String PASSWORD_ENV = "APPUPDATE_DATABASE_PASSWORD";

  /** Completion rows are kept this long unless configured otherwise. */
  static final Duration DEFAULT_RETENTION = JsonlCompletionStore.DEFAULT_RETENTION;

  private static final int MAX_PASSWORD_BYTES = 1024;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  private String url;
  private String user;
  private Path passwordFile;
  private Duration retention = DEFAULT_RETENTION;
  private String password;

  @Option(
      names = "--database",
      paramLabel = "JDBC_URL",
      order = 20,
      description =
          "keep completions in PostgreSQL (jdbc:postgresql://HOST:PORT/DB) instead of the"
              + " completion log of --data; replicas share it. The schema is created and"
              + " migrated at start")
  private void url(String value) {
    if (!value.startsWith("jdbc:postgresql://") || value.length() == "jdbc:postgresql://".length()) {
      throw invalid(
          "--database: must be a jdbc:postgresql://HOST:PORT/DATABASE URL, got "
              + JsonBody.printable(value));
    }
    if (value.toLowerCase(Locale.ROOT).contains("password=")) {
      throw invalid(
          "--database: the URL must not carry a password, which other users can read from the"
              + " command line; use --database-password-file or "
              + PASSWORD_ENV);
    }
    url = value;
  }

  @Option(
      names = "--database-user",
      paramLabel = "USER",
      order = 21,
      description = "the database user, unless the URL names it (user=...)")
  private void user(String value) {
    if (value.isBlank()) {
      throw invalid("--database-user: must not be empty");
    }
    user = value;
  }

  @Option(
      names = "--database-password-file",
      paramLabel = "FILE",
      order = 22,
      description =
          "file holding the database password (its first line), a regular file of this user"
              + " with no group or other access; without it, the environment variable "
              + PASSWORD_ENV
              + " if set")
  private void passwordFile(String value) {
    try {
      passwordFile = Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid("--database-password-file: invalid path " + JsonBody.printable(value));
    }
  }

  @Option(
      names = "--completion-retention",
      paramLabel = "AGE",
      order = 23,
      description =
          "how long completion records are kept, like --retention (default 400d): the"
              + " completion log is rotated daily and every 64 MiB, older files are deleted once"
              + " their request ids have expired too;"
              + " database rows older than this are deleted in small batches")
  private void retention(String value) {
    try {
      retention = ServerCommand.retentionOf(value);
    } catch (IllegalArgumentException e) {
      throw invalid("--completion-retention: " + e.getMessage());
    }
  }

  private ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * Reads the password once the whole command line is parsed, adding what is wrong to {@code
   * problems}.
   */
  void finish(Map<String, String> env, Set<String> problems) {
    if (url == null) {
      if (user != null || passwordFile != null) {
        problems.add("--database-user and --database-password-file need --database");
      }
      return;
    }
    if (passwordFile != null) {
      try {
        password = readPassword(passwordFile);
      } catch (IOException e) {
        problems.add("--database-password-file: " + e.getMessage());
      }
    } else {
      password = env.get(PASSWORD_ENV);
    }
  }

  /** Returns how long completion records are kept, in the log or in the database. */
  Duration retention() {
    return retention;
  }

  /** Returns the settings of the store, or null when no database was given. */
  PostgresCompletionStore.Settings settings() {
    return url == null ? null : PostgresCompletionStore.Settings.of(url, user, password, retention);
  }

  /**
   * Reads the first line of an own, owner-only regular file (not a link to one).
   *
   * @throws IOException saying what is wrong with the file
   */
  static String readPassword(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          JsonBody.printable(file.toString())
              + (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                  ? " is not a regular file"
                  : " does not exist"));
    }
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      PosixFileAttributes posix =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      UserPrincipal me =
          file.getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName(System.getProperty("user.name"));
      if (!posix.owner().equals(me)) {
        throw new IOException(
            file + " is owned by " + posix.owner().getName() + ", not by the current user");
      }
      Set<PosixFilePermission> perms = posix.permissions();
      if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
          .containsAll(perms)) {
        throw new IOException(
            file
                + " is accessible to group or others ("
                + PosixFilePermissions.toString(perms)
                + "); restrict it (chmod 600 "
                + file
                + ")");
      }
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_PASSWORD_BYTES + 1);
    }
    if (bytes.length > MAX_PASSWORD_BYTES) {
      throw new IOException(file + " is longer than " + MAX_PASSWORD_BYTES + " bytes");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      throw new IOException(file + " is empty");
    }
    return line;
  }
}
