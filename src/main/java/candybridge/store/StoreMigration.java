package candybridge.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.delivery.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Copies a SQLite deployment's events, deliveries and attempts into PostgreSQL. Tables go in
 * dependency order, in batches, each batch one target transaction whose inserts skip what is
 * already there, so running twice, or again after an interruption, copies only what is missing.
 *
 * <p>Deliveries keep their SQLite id where the target has it free (ids in logs and tickets stay
 * valid) and otherwise get a fresh one; attempts find their delivery by its dedupe key. The source
 * service must be stopped: {@link #inFlight()} tells whether it still has calls on the wire.
 */
public final class StoreMigration implements AutoCloseable {
  /** Rows per batch (and per target transaction). */
  public static final int BATCH_SIZE = 500;

  /** One table's outcome: rows on each side, rows copied by this run, and rows already there. */
  public record TableCount(
      String table, long source, long target, long copied, long present, long missing) {
    /** Every source row has its key in the target, and the target has at least as many rows. */
    public boolean matches() {
      return missing == 0 && target >= source;
    }
  }

  /**
   * Told after each committed batch: {@code done} of {@code total} source rows of {@code table}.
   */
  public interface Progress {
    void batch(String table, long done, long total);
  }

  private final Connection source;
  private final Connection target;
  private final MigrationTables tables;

  private StoreMigration(Connection source, Connection target, int batchSize) {
    this.source = source;
    this.target = target;
    this.tables = new MigrationTables(source, target, batchSize);
  }

  /**
   * Checks the arguments without touching any database. Throws {@link IllegalArgumentException}
   * (bad usage) when the URLs are the same, the source is not an existing SQLite file, or the
   * target is not PostgreSQL.
   */
  public static void checkUrls(String sourceUrl, String targetUrl) {
    if (sourceUrl.strip().equals(targetUrl.strip())) {
      throw new IllegalArgumentException("--from and --to name the same database");
    }
    if (!sourceUrl.startsWith("jdbc:sqlite:")) {
      throw new IllegalArgumentException(
          "--from must be a SQLite URL, e.g. jdbc:sqlite:/var/lib/candybridge/candybridge.db");
    }
    if (!targetUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--to must be a PostgreSQL URL, e.g. jdbc:postgresql://db/candybridge?user=…");
    }
    Path file = sqliteFile(sourceUrl);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "--from: there is no database file " + file + " (nothing was created)");
    }
  }

  /**
   * Checks both URLs and schema versions, brings both schemas to this build's version (as {@code
   * serve} would) and connects. Throws {@link IllegalArgumentException} for bad usage (see {@link
   * #checkUrls}, a source that is no Candybridge database, a schema newer than this build) and
   * {@link StoreException} when a database fails.
   */
  public static StoreMigration open(String sourceUrl, String targetUrl, Instant now) {
    return open(sourceUrl, targetUrl, now, BATCH_SIZE);
  }

  static StoreMigration open(String sourceUrl, String targetUrl, Instant now, int batchSize) {
    checkUrls(sourceUrl, targetUrl);
    checkSchema("--from", sourceUrl, "sqlite", true);
    checkSchema("--to", targetUrl, "postgres", false);
    JdbcStore.open(sourceUrl, 1, now).close();
    JdbcStore.open(targetUrl, 1, now).close();
    Connection source = connect("--from", sourceUrl);
    Connection target = null;
    try {
      target = connect("--to", targetUrl);
      target.setAutoCommit(false);
      return new StoreMigration(source, target, batchSize);
    } catch (SQLException e) {
      closeQuietly(source);
      closeQuietly(target);
      throw new StoreException("--to: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(source);
      throw e;
    }
  }

  /**
   * Deliveries the source has in flight: non-zero means its service is running (or died mid-call).
   */
  public long inFlight() {
    try {
      return MigrationTables.count(source, "delivery WHERE status = 'in_flight'");
    } catch (SQLException e) {
      throw new StoreException("--from: " + e.getMessage(), e);
    }
  }

  /**
   * Copies every table, then moves the target's id sequences past the copied ids. Returns the
   * counts per table in copy order; throws {@link StoreException} (the batch in progress rolled
   * back, earlier batches kept) when a database fails.
   */
  public List<TableCount> run(Progress progress) {
    try {
      List<TableCount> counts = new ArrayList<>();
      counts.add(tables.copyEvents(progress));
      counts.add(tables.copyDeliveries(progress));
      counts.add(tables.copyAttempts(progress));
      tables.resetSequences();
      target.commit();
      return counts;
    } catch (SQLException e) {
      try {
        target.rollback();
      } catch (SQLException ignored) {
        // the connection is broken already; the first failure is the one to report
      }
      throw new StoreException("migration failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(target);
    closeQuietly(source);
  }

  static Path sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    rest = query >= 0 ? rest.substring(0, query) : rest;
    rest = rest.startsWith("file:") ? rest.substring("file:".length()) : rest;
    if (rest.isBlank() || rest.equals(":memory:")) {
      throw new IllegalArgumentException("--from must name a SQLite database file");
    }
    return Path.of(rest);
  }

  private static void checkSchema(String option, String url, String dialect, boolean mustExist) {
    int known = knownVersion(dialect);
    try (Connection c = connect(option, url)) {
      OptionalInt version = schemaVersion(c);
      if (version.isEmpty() && mustExist) {
        throw new IllegalArgumentException(
            option + ": not a Candybridge database (it has no schema_version table)");
      }
      if (version.orElse(0) > known) {
        throw new IllegalArgumentException(
            option
                + ": the database has schema version "
                + version.getAsInt()
                + " but this build knows versions up to "
                + known
                + ": migrate with the build that wrote it");
      }
    } catch (SQLException e) {
      throw new StoreException(option + ": " + e.getMessage(), e);
    }
  }

  private static OptionalInt schemaVersion(Connection c) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet rs = meta.getTables(null, null, "schema_version", new String[] {"TABLE"})) {
      if (!rs.next()) {
        return OptionalInt.empty();
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return OptionalInt.of(rs.getInt(1));
    }
  }

  /** The highest migration this build ships for {@code dialect} (the last of its index.txt). */
  private static int knownVersion(String dialect) {
    String resource = "db/" + dialect + "/index.txt";
    try (InputStream in = StoreMigration.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration resource missing from the build: " + resource);
      }
      return new String(in.readAllBytes(), UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> l.startsWith("V") && l.contains("__"))
          .mapToInt(l -> Integer.parseInt(l.substring(1, l.indexOf("__"))))
          .max()
          .orElse(0);
    } catch (IOException e) {
      throw new IllegalStateException("could not read " + resource, e);
    }
  }

  private static Connection connect(String option, String url) {
    try {
      return DriverManager.getConnection(url);
    } catch (SQLException e) {
      throw new StoreException(option + ": cannot connect: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // closing after the work is done (or failed); nothing left to protect
    }
  }
}
