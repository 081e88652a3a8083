package candybridge.store;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL, shared by any number of instances: claims take rows {@code FOR UPDATE SKIP LOCKED}
 * (an instance never waits for another's rows and never gets them), leases mark who works on what,
 * and migrations run under an advisory lock so instances starting together apply each once.
 */
final class PostgresDialect implements Dialect {
  /** Arbitrary, fixed: the advisory lock that serialises migrations across instances. */
  private static final long MIGRATION_LOCK = 0x43616e6479L;

  private final int poolSize;

  PostgresDialect(int poolSize) {
    this.poolSize = poolSize;
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public void configure(HikariConfig config) {
    config.setMaximumPoolSize(poolSize);
    // Fail fast when the server is down so the webhook answers 503 (Stripe retries) quickly.
    config.setConnectionTimeout(3_000);
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("tcpKeepAlive", "true");
  }

  @Override
  public String claimSql(String returning) {
    return """
        UPDATE delivery
           SET status = 'in_flight', claimed_by = ?, lease_until = ?, claimed_at = ?,
               version = version + 1
         WHERE id IN (SELECT id FROM delivery
                       WHERE status = 'pending' AND next_attempt_at <= ?
                       ORDER BY next_attempt_at, id
                       LIMIT ?
                       FOR UPDATE SKIP LOCKED)
        RETURNING\s"""
        + returning;
  }

  @Override
  public boolean waitsForServer() {
    return true;
  }

  @Override
  public String contains(String column) {
    return "strpos(" + column + ", ?) > 0";
  }

  @Override
  public void lockMigrations(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
    }
  }

  @Override
  public void unlockMigrations(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
    }
  }

  @Override
  public boolean singleInstance() {
    return false;
  }
}
