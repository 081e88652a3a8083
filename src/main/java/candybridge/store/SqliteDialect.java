package candybridge.store;

import com.zaxxer.hikari.HikariConfig;

/**
 * SQLite in WAL mode with {@code synchronous=FULL}: a commit is fsynced before it returns, so an
 * event is on disk before the webhook answers 200. Write transactions begin IMMEDIATE so that
 * concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
 */
final class SqliteDialect implements Dialect {
  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public void configure(HikariConfig config) {
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    // sqlite-jdbc otherwise runs "SELECT last_insert_rowid()" after every INSERT (and matches every
    // statement against a regex) so that getGeneratedKeys could answer; nothing here asks it.
    config.addDataSourceProperty("jdbc.get_generated_keys", "false");
    config.setMaximumPoolSize(4);
  }

  @Override
  public void beforeOpen(String jdbcUrl) {
    SqliteFile.prepare(jdbcUrl);
  }

  @Override
  public String claimSql(String returning) {
    // SQLite serialises writers, so one UPDATE … RETURNING is atomic; PostgreSQL will select the
    // same rows FOR UPDATE SKIP LOCKED inside the sub-query.
    return """
        UPDATE delivery
           SET status = 'in_flight', claimed_by = ?, lease_until = ?, claimed_at = ?,
               version = version + 1
         WHERE id IN (SELECT id FROM delivery
                       WHERE status = 'pending' AND next_attempt_at <= ?
                       ORDER BY next_attempt_at, id
                       LIMIT ?)
        RETURNING\s"""
        + returning;
  }

  @Override
  public boolean groupsCommits() {
    return true;
  }

  @Override
  public String contains(String column) {
    return "instr(" + column + ", ?) > 0";
  }

  @Override
  public boolean singleInstance() {
    return true;
  }
}
