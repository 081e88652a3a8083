package candybridge.store;

import com.zaxxer.hikari.HikariConfig;

/** What differs between databases: connection tuning, the claim statement, the migrations folder. */
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

  static Dialect forUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return new SqliteDialect();
    }
    throw new IllegalArgumentException("unsupported database URL (only jdbc:sqlite: in this build)");
  }
}
