package candybridge.store;

import candybridge.delivery.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API (the one the
 * {@code sqlite3 .backup} command uses), safe while {@code serve} runs: it takes no serve lock
 * ({@link ServeLock}) and, in WAL mode, its read transaction does not hold up serve's writers.
 *
 * <p>The whole copy is one backup step ({@code sqlite3_backup_step(-1)}), so it is one read
 * transaction: the copy is the database as of one commit. sqlite-jdbc's {@code backup to FILE}
 * statement copies 100 pages a step instead, and SQLite restarts a step-wise backup from the first
 * page whenever another connection writes between two steps, so under a steady stream of webhooks a
 * large file might never finish.
 *
 * <p>The copy is written to a temporary file created 0600 next to the target (it holds customer
 * e-mail addresses) and renamed onto the target when complete, so a failed or interrupted backup
 * never leaves a half-written file under the target's name.
 */
public final class SqliteBackup {
  /** What was copied: the backup's size and what it holds, read from the copy itself. */
  public record Result(Path source, Path target, long bytes, long events, long deliveries) {}

  /** The database cannot be backed up this way (not SQLite, in memory): a usage problem. */
  public static final class NotApplicableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotApplicableException(String message) {
      super(message);
    }
  }

  private SqliteBackup() {}

  /** The SQLite file behind {@code jdbcUrl}; empty for PostgreSQL and in-memory SQLite. */
  public static Optional<Path> sqliteFile(String jdbcUrl) {
    return ServeLock.sqliteFile(jdbcUrl);
  }

  /**
   * Copies the database of {@code jdbcUrl} to {@code target}.
   *
   * @throws NotApplicableException when {@code jdbcUrl} is not an SQLite file
   * @throws FileAlreadyExistsException when {@code target} exists and {@code overwrite} is false
   * @throws IOException when the source is missing or the target cannot be written
   * @throws StoreException when SQLite fails; the target is then untouched
   */
  public static Result copy(String jdbcUrl, Path target, boolean overwrite) throws IOException {
    Path source =
        sqliteFile(jdbcUrl)
            .orElseThrow(
                () ->
                    new NotApplicableException(
                        "backup copies an SQLite file; "
                            + (jdbcUrl.startsWith("jdbc:sqlite:")
                                ? "this database is in memory"
                                : "this database is not SQLite")));
    if (!Files.isRegularFile(source)) {
      throw new IOException("no database at " + source);
    }
    Path to = target.toAbsolutePath().normalize();
    if (Files.exists(to) && Files.isSameFile(to, source)) {
      throw new NotApplicableException("the backup file is the database itself: " + to);
    }
    if (!overwrite && Files.exists(to)) {
      throw new FileAlreadyExistsException(
          to.toString(), null, "exists (pass --force to replace it)");
    }
    Path directory = to.getParent();
    if (!Files.isDirectory(directory)) {
      throw new IOException("no such directory: " + directory);
    }
    Path partial =
        Files.createTempFile(
            directory,
            "." + to.getFileName() + ".",
            ".partial",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      backup(jdbcUrl, partial);
      Result result = inspect(source, to, partial);
      if (overwrite) {
        Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(partial, to); // refuses a file created meanwhile
      }
      syncDirectory(directory);
      return result;
    } finally {
      Files.deleteIfExists(partial);
      for (String suffix : new String[] {"-journal", "-wal", "-shm"}) {
        Files.deleteIfExists(directory.resolve(partial.getFileName() + suffix));
      }
    }
  }

  private static void backup(String jdbcUrl, Path partial) {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      // one step of all pages (-1); a busy source is tried again every 100 ms, 100 times
      int rc =
          c.unwrap(SQLiteConnection.class)
              .getDatabase()
              .backup("main", partial.toString(), null, 100, 100, -1);
      if (rc != 0) {
        throw new StoreException("SQLite backup failed (code " + rc + ")", null);
      }
    } catch (SQLException e) {
      throw new StoreException("SQLite backup failed: " + e.getMessage(), e);
    }
  }

  /** Opens the copy, as a restore would, and reads its size and counts. */
  private static Result inspect(Path source, Path target, Path partial) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + partial);
        Statement s = c.createStatement()) {
      long events = count(s, "SELECT count(*) FROM stripe_event");
      long deliveries = count(s, "SELECT count(*) FROM delivery");
      return new Result(source, target, Files.size(partial), events, deliveries);
    } catch (SQLException e) {
      throw new StoreException("the copy is not a Candybridge database: " + e.getMessage(), e);
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Makes the rename durable; best effort (not every file system lets a directory be synced). */
  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // the copy itself is synced by SQLite; only the new name may be lost in a crash right now
    }
  }
}
