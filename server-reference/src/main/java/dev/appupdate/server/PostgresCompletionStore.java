package dev.appupdate.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Version;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The completion store in PostgreSQL, shared by replicas: one row per (request_id, update_type) in
 * {@code completions}, halts and resumes in {@code halt_events}. The schema is created and migrated
 * at open by Flyway from {@code db-migration} (versioned SQL, applied once, under PostgreSQL's
 * advisory lock, so replicas starting together migrate once).
 *
 * <p>A report is one transaction of {@code INSERT ... ON CONFLICT DO NOTHING}, committed (with the
 * server's synchronous commit) before {@link #append} returns: two replicas receiving the same
 * report race on the unique key, not on a read followed by a write.
 *
 * <p>Reachability is watched by a background probe ({@code SELECT 1} every {@link
 * Settings#probeInterval}); {@link #health()} returns its last finding without I/O. While the
 * database is down, {@link #append} refuses at once with {@link StoreUnavailableException} rather
 * than holding a worker for the pool's connection timeout; the probe notices the database coming
 * back and reports are accepted again, without a restart. Rows older than {@link
 * Settings#retention} are deleted by the same background thread every {@link #RETENTION_INTERVAL}
 * (and at the next probe while a run deletes as many as it may) in batches of {@link
 * #DELETE_BATCH}, so no delete holds locks on many rows for long.
 */
final class PostgresCompletionStore implements CompletionStore {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  /**
   * Where the migrations are, on the class path. Not Flyway's usual {@code db/migration}: on the
   * module path a resource in a directory named like a package ({@code db.migration}) is
   * encapsulated in this module, and Flyway, in another module, could list it but not read it.
   */
  static final String MIGRATIONS = "classpath:db-migration";

  /** Rows deleted per retention statement. */
  static final int DELETE_BATCH = 5_000;

  /** How often expired rows are deleted, at most. */
  static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);

  /** Seconds a client is asked to wait while the database is unreachable. */
  static final int RETRY_AFTER_SECONDS = 5;

  /** How long the schema migration at start waits for a connection. */
  static final Duration MIGRATION_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** Seconds a client is asked to wait while every connection is busy. */
  static final int BUSY_RETRY_AFTER_SECONDS = 1;

  /** Retention statements per run, so the probe keeps its rhythm. */
  static final int DELETE_BATCHES_PER_RUN = 20;

  private static final String INSERT =
      "INSERT INTO completions (request_id, update_type, received_at, product, issued_at, version,"
          + " reported_version, status, failure_code, reason, hash_function, hash_value, size,"
          + " installation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (request_id, update_type) DO NOTHING";

  /**
   * Where the database is and how the store uses it.
   *
   * @param url {@code jdbc:postgresql://HOST:PORT/DB}
   * @param user the user, or null when the URL names it
   * @param password the password, or null when none is needed
   * @param retention how long rows are kept after their receipt
   * @param poolSize connections at most (at least 2: the migration at start holds two)
   * @param connectTimeout how long a caller waits for a connection
   * @param writeTimeout how long a report's insert and the probe may wait for the database's
   *     answer before the connection is given up (a hung database must not hold workers)
   * @param probeInterval how often reachability is checked and retention applied
   */
  record Settings(
      String url,
      String user,
      String password,
      Duration retention,
      int poolSize,
      Duration connectTimeout,
      Duration writeTimeout,
      Duration probeInterval) {
    static final int DEFAULT_POOL_SIZE = 16;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

    Settings {
      Objects.requireNonNull(url, "url == null");
      Objects.requireNonNull(retention, "retention == null");
      Objects.requireNonNull(connectTimeout, "connectTimeout == null");
      Objects.requireNonNull(writeTimeout, "writeTimeout == null");
      Objects.requireNonNull(probeInterval, "probeInterval == null");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + JsonBody.printable(url));
      }
    }

    /** Settings with the default pool, timeouts and probe interval. */
    static Settings of(String url, String user, String password, Duration retention) {
      return new Settings(
          url,
          user,
          password,
          retention,
          DEFAULT_POOL_SIZE,
          DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_WRITE_TIMEOUT,
          DEFAULT_PROBE_INTERVAL);
    }

    @Override
    public String toString() {
      // Never the password.
      return "Settings[" + url + ", user " + user + "]";
    }
  }

  private final HikariDataSource pool;
  private final Clock clock;
  private final Duration retention;
  private final int writeTimeoutMillis;
  private final ScheduledExecutorService background;
  private volatile StoreHealth health = StoreHealth.OK;

  /** Held by a probe: the background thread's, or a test's. */
  private final Object probing = new Object();

  /** Guarded by {@link #probing}. */
  private Instant nextRetention = Instant.MIN;

  /** Rows per retention statement; tests make it small. */
  int deleteBatch = DELETE_BATCH;

  private PostgresCompletionStore(HikariDataSource pool, Settings settings, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.retention = settings.retention();
    this.writeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.writeTimeout().toMillis());
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "appupdate-database-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects, migrates the schema to the newest version, and starts the probe and retention task.
   *
   * @throws IOException if the database cannot be reached or migrated; the message says why
   */
  static PostgresCompletionStore open(Settings settings, Clock clock) throws IOException {
    return open(settings, clock, true);
  }

  /**
   * Like {@link #open(Settings, Clock)}; without {@code probe}, nothing runs in the background:
   * no reachability probe and no retention (for an import, which must not delete anything).
   */
  static PostgresCompletionStore open(Settings settings, Clock clock, boolean probe)
      throws IOException {
    migrate(settings);
    HikariDataSource pool = pool(settings, settings.connectTimeout());
    PostgresCompletionStore store = new PostgresCompletionStore(pool, settings, clock);
    try {
      if (probe) {
        long millis = settings.probeInterval().toMillis();
        store.background.scheduleWithFixedDelay(
            store::probe, millis, millis, TimeUnit.MILLISECONDS);
      }
      return store;
    } catch (RuntimeException e) {
      // One way down for a store that did not start and one that stops: thread, then pool.
      store.close();
      throw e;
    }
  }

  /**
   * Migrates the schema of the database {@code settings} names and returns the number of
   * migrations applied; for import and tests.
   */
  static int migrate(Settings settings) throws IOException {
    // A pool of its own, patient: Flyway holds one connection and asks for a second, which a busy
    // database may take longer to open than a report may wait for one.
    try (HikariDataSource pool = pool(settings, MIGRATION_CONNECT_TIMEOUT)) {
      return migrate(pool);
    }
  }

  private static HikariDataSource pool(Settings settings, Duration connectTimeout)
      throws IOException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("appupdate-database");
    config.setJdbcUrl(settings.url());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(Math.max(2, settings.poolSize()));
    config.setMinimumIdle(2);
    config.setConnectionTimeout(connectTimeout.toMillis());
    config.setValidationTimeout(Math.max(250, connectTimeout.toMillis() / 2));
    // A statement stuck on a dead server must not hold a worker forever: the driver gives up.
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "appupdate-server");
    config.setAutoCommit(false);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      // HikariCP fails the first connection with a PoolInitializationException around the cause.
      throw new IOException(
          "cannot connect to the database " + settings.url() + ": " + rootMessage(e), e);
    }
  }

  private static int migrate(HikariDataSource pool) throws IOException {
    try {
      MigrateResult result =
          Flyway.configure(PostgresCompletionStore.class.getClassLoader())
              .dataSource(pool)
              .locations(MIGRATIONS)
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        LOG.log(
            Level.INFO,
            "database schema migrated to version {0} ({1} migrations applied)",
            result.targetSchemaVersion,
            result.migrationsExecuted);
      }
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      throw new IOException("cannot migrate the database schema: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public void append(List<CompletionRecord> records, Instant expiresAt) throws IOException {
    StoreHealth now = health;
    if (now.status() == StoreHealth.Status.DOWN) {
      // Failing at once keeps workers free for update checks while the database is away.
      throw new StoreUnavailableException(now.reason(), RETRY_AFTER_SECONDS, null);
    }
    // In one order on every replica: two transactions inserting the same keys in opposite orders
    // would wait on each other until PostgreSQL aborts one as a deadlock.
    List<CompletionRecord> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparing(CompletionRecord::updateType));
    try (Connection c = pool.getConnection()) {
      // The pool restores the connection's own socket timeout when it takes it back.
      c.setNetworkTimeout(Runnable::run, writeTimeoutMillis);
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (CompletionRecord r : sorted) {
          bind(insert, r);
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw failure("the completion could not be recorded", e);
    }
  }

  private static void bind(PreparedStatement s, CompletionRecord r) throws SQLException {
    Outcome o = r.outcome();
    String canonical = Version.parse(o.version()).canonical();
    s.setString(1, r.requestId());
    s.setString(2, r.updateType());
    s.setTimestamp(3, Timestamp.from(r.receivedAt()));
    s.setString(4, r.product());
    s.setTimestamp(5, Timestamp.from(r.issuedAt()));
    s.setString(6, canonical);
    s.setString(7, canonical.equals(o.version()) ? null : o.version());
    s.setString(8, o.status().wireName());
    s.setString(9, o.code() == null ? null : o.code().wireName());
    s.setString(10, o.reason());
    s.setString(11, o.hashFunction() == null ? null : o.hashFunction().wireName());
    s.setString(12, o.hashValue());
    if (o.size() == null) {
      s.setNull(13, Types.BIGINT);
    } else {
      s.setLong(13, o.size());
    }
    s.setString(14, r.installation());
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is broken; the pool evicts it, and nothing was committed.
    }
  }

  /**
   * Maps a failure to {@link StoreUnavailableException} when the database is unreachable (marking
   * the store down until the probe finds it back), else to a plain IOException.
   */
  private IOException failure(String what, SQLException e) {
    if (isPoolBusy(e)) {
      // Every connection is in use and the database answers: a burst, not an outage. The report
      // is refused for now; the store stays up for the next one.
      return new StoreUnavailableException(
          what + ": every database connection is busy", BUSY_RETRY_AFTER_SECONDS, e);
    }
    if (isConnectionFailure(e)) {
      markDown(rootMessage(e));
      return new StoreUnavailableException(
          what + ": the database is unreachable: " + rootMessage(e), RETRY_AFTER_SECONDS, e);
    }
    return new IOException(what + ": " + e.getMessage(), e);
  }

  /**
   * Whether {@code e} is the pool's timeout while waiting for a connection that other callers hold,
   * with no failed connection attempt behind it: HikariCP gives the last attempt's failure as the
   * cause when the database could not be reached.
   */
  static boolean isPoolBusy(SQLException e) {
    return e instanceof SQLTransientConnectionException
        && e.getCause() == null
        && e.getSQLState() == null;
  }

  static boolean isConnectionFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        // 08: connection exceptions; 57P01-57P03: shut down, crashed, cannot connect now.
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void markDown(String reason) {
    synchronized (this) {
      if (health.status() == StoreHealth.Status.DOWN) {
        return;
      }
      // The reason names the database's address: it goes to the log; health() is public.
      health =
          new StoreHealth(
              StoreHealth.Status.DOWN,
              "database unreachable since " + clock.instant() + "; the server log says why");
    }
    LOG.log(
        Level.WARNING, "database unreachable, completions refused until it is back: {0}", reason);
  }

  /** Checks reachability, then applies retention when due; runs on the background thread. */
  void probe() {
    synchronized (probing) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        // A hung database is noticed within the write timeout, not the socket's 30 s.
        c.setNetworkTimeout(Runnable::run, writeTimeoutMillis);
        s.execute("SELECT 1");
        c.commit();
        if (health.status() != StoreHealth.Status.OK) {
          LOG.log(Level.INFO, "database reachable again, completions accepted");
        }
        health = StoreHealth.OK;
      } catch (SQLException e) {
        if (!isPoolBusy(e)) {
          // A busy pool is a database that answers: only a failed connection means down.
          markDown(rootMessage(e));
        }
        return;
      } catch (RuntimeException e) {
        markDown(rootMessage(e));
        return;
      }
      Instant now = clock.instant();
      if (now.isBefore(nextRetention)) {
        return;
      }
      nextRetention = now.plus(RETENTION_INTERVAL);
      try {
        if (deleteExpired() == (long) deleteBatch * DELETE_BATCHES_PER_RUN) {
          // Rows arrive faster than one run a period deletes: go on at the next probe.
          nextRetention = now;
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "completion retention not applied: {0}", e.getMessage());
      }
    }
  }

  /**
   * Deletes the rows received before now minus the retention, in batches, and returns how many.
   * Stops after a bounded number of batches so that the probe keeps its rhythm; the next run goes
   * on.
   */
  long deleteExpired() throws IOException {
    Timestamp before = Timestamp.from(clock.instant().minus(retention));
    long deleted = 0;
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM completions WHERE ctid = ANY (ARRAY(SELECT ctid FROM completions"
                    + " WHERE received_at < ? LIMIT ?))")) {
      for (int i = 0; i < DELETE_BATCHES_PER_RUN; i++) {
        s.setTimestamp(1, before);
        s.setInt(2, deleteBatch);
        int n = s.executeUpdate();
        c.commit();
        deleted += n;
        if (n < deleteBatch) {
          break;
        }
      }
    } catch (SQLException e) {
      throw failure("expired completions not deleted", e);
    }
    if (deleted > 0) {
      LOG.log(Level.INFO, "deleted {0} completions received before {1}", deleted, before.toInstant());
    }
    return deleted;
  }

  @Override
  public StoreHealth health() {
    return health;
  }

  @Override
  public List<CompletionCount> counts(Instant since) throws IOException {
    String sql =
        "SELECT product, update_type, version, status, failure_code,"
            + " date_trunc('hour', received_at AT TIME ZONE 'UTC') AS hour, count(*)"
            + " FROM completions WHERE received_at >= ?"
            + " GROUP BY product, update_type, version, status, failure_code, hour";
    List<CompletionCount> rows = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setTimestamp(1, Timestamp.from(since));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              new CompletionCount(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  // A timestamp without zone holding UTC: read it as a LocalDateTime in UTC.
                  r.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                  r.getLong(7)));
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw failure("completion counts not read", e);
    }
    return rows;
  }

  @Override
  public HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes)
      throws IOException {
    String sql =
        "SELECT count(DISTINCT coalesce(installation, request_id)),"
            + " count(DISTINCT coalesce(installation, request_id))"
            + "   FILTER (WHERE status = 'failed' AND failure_code = ANY (?))"
            + " FROM completions WHERE product = ? AND update_type = ? AND version = ?"
            + " AND failure_code IS DISTINCT FROM 'cancelled'";
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      Array codes = c.createArrayOf("text", haltCodes.toArray(new String[0]));
      s.setArray(1, codes);
      s.setString(2, product);
      s.setString(3, updateType);
      // Rows hold the canonical spelling; any spelling of the version finds them, as in the log.
      s.setString(4, Version.parse(version).canonical());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        HaltFigures figures = new HaltFigures(r.getLong(1), r.getLong(2));
        c.commit();
        return figures;
      }
    } catch (SQLException e) {
      throw failure("halt figures not read", e);
    }
  }

  @Override
  public void recordHaltEvent(HaltEvent event) throws IOException {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO halt_events (at, product, update_type, version, halted, actor,"
                    + " detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setTimestamp(1, Timestamp.from(event.at()));
      s.setString(2, event.product());
      s.setString(3, event.updateType());
      s.setString(4, event.version());
      s.setBoolean(5, event.halted());
      s.setString(6, event.actor());
      s.setString(7, event.detail());
      s.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      throw failure("halt event not recorded", e);
    }
  }

  @Override
  public List<HaltEvent> haltEvents() throws IOException {
    List<HaltEvent> events = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                // In the order recorded, not by time: replicas' clocks differ, and an operator's
                // resume on a replica whose clock is behind must still come after the halt it lifts.
                "SELECT at, product, update_type, version, halted, actor, detail FROM halt_events"
                    + " ORDER BY id")) {
      while (r.next()) {
        events.add(
            new HaltEvent(
                r.getTimestamp(1).toInstant(),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getBoolean(5),
                r.getString(6),
                r.getString(7)));
      }
      c.commit();
    } catch (SQLException e) {
      throw failure("halt events not read", e);
    }
    return events;
  }

  /**
   * What {@link #importLog} did.
   *
   * @param lines complete lines read
   * @param inserted rows that were not in the database yet
   * @param unreadable lines that are not completion records (skipped, each logged)
   */
  record ImportResult(long lines, long inserted, long unreadable) {}

  /**
   * Loads a JSON Lines completion log into the database, committing every {@code batch} lines;
   * rows already there (an earlier import, or reports the server received itself) are left as they
   * are, so importing the same file again inserts nothing. A line that is not a record (such as a
   * last line torn by a crash) is skipped and counted.
   *
   * @throws IOException if the file cannot be read or the database written; what was committed
   *     before stays, and running the import again completes it
   */
  ImportResult importLog(Path file, ServerJson json, int batch) throws IOException {
    long lines = 0;
    long inserted = 0;
    long unreadable = 0;
    long firstPending = 1;
    // Bytes, not characters: a line torn by a crash may end inside a UTF-8 sequence, and that
    // line alone is unreadable, not the file.
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        Connection c = pool.getConnection();
        PreparedStatement insert = c.prepareStatement(INSERT)) {
      int pending = 0;
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b = 0;
      while (b >= 0) {
        line.reset();
        while ((b = in.read()) >= 0 && b != '\n') {
          line.write(b);
        }
        if (b < 0 && line.size() == 0) {
          break;
        }
        lines++;
        if (pending == 0) {
          firstPending = lines;
        }
        try {
          bind(insert, json.readCompletionLine(line.toByteArray(), 0, line.size()));
        } catch (IllegalArgumentException e) {
          unreadable++;
          LOG.log(Level.WARNING, "{0}: line {1} skipped: {2}", file, lines, e.getMessage());
          continue;
        }
        insert.addBatch();
        if (++pending == batch) {
          inserted += sum(insert.executeBatch());
          c.commit();
          pending = 0;
        }
      }
      if (pending > 0) {
        inserted += sum(insert.executeBatch());
        c.commit();
      }
    } catch (SQLException e) {
      throw failure(
          "import of "
              + file
              + " stopped at lines "
              + firstPending
              + " to "
              + lines
              + " (those before are in the database)",
          e);
    }
    return new ImportResult(lines, inserted, unreadable);
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int c : counts) {
      n += Math.max(0, c);
    }
    return n;
  }

  /** Stops the probe and closes the pool; every append returned before was committed. */
  @Override
  public void close() {
    background.shutdownNow();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }
}
