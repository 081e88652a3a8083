package candybridge.store;

import com.zaxxer.hikari.HikariConfig;

/**
 * What differs between databases: connection tuning, the claim statement, the migrations folder.
 */
interface Dialect {
  /** Folder under {@code db/} holding this dialect's versioned migrations. */
  String name();

  /** Pool and driver settings (durability pragmas, pool size). */
  void configure(HikariConfig config);

  /**
   * Claims due deliveries and returns the {@code returning} columns. Parameters in order: claimant,
   * leaseUntil (ms), claimedAt (ms), now (ms), limit.
   */
  String claimSql(String returning);

  /** True when only one process may use the database, so every in-flight claim at start is dead. */
  boolean singleInstance();

  /**
   * True when write transactions should share commits ({@link GroupCommit}): where there is one
   * writer and every commit is an fsync of its own.
   */
  default boolean groupsCommits() {
    return false;
  }

  /**
   * True for a server that may come up after this process: start-up waits for it ({@link
   * DatabaseWait}).
   */
  default boolean waitsForServer() {
    return false;
  }

  /** A condition: {@code column} contains the text bound to the one {@code ?}. */
  String contains(String column);

  /** Runs once before the first connection (SQLite creates its file owner-only here). */
  default void beforeOpen(String jdbcUrl) {}

  /** Holds other instances off while this one migrates (a no-op where one process is alone). */
  default void lockMigrations(java.sql.Connection c) throws java.sql.SQLException {}

  default void unlockMigrations(java.sql.Connection c) throws java.sql.SQLException {}

  static Dialect forUrl(String jdbcUrl, int poolSize) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return new SqliteDialect();
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect(poolSize);
    }
    throw new IllegalArgumentException(
        "unsupported database URL: use jdbc:sqlite: or jdbc:postgresql:");
  }
}
