package candybridge.store;

import candybridge.delivery.StoreException;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/** The few lines of JDBC plumbing every store method needs: connections, transactions, binding. */
final class Jdbc {
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;

  /** Null: each transaction commits on its own (PostgreSQL flushes concurrent commits together). */
  private final GroupCommit groupCommit;

  /** Times this class's own commits; the group commit times its own. */
  private final CommitTimes commitTimes;

  Jdbc(DataSource dataSource, GroupCommit groupCommit, CommitTimes commitTimes) {
    this.dataSource = dataSource;
    this.groupCommit = groupCommit;
    this.commitTimes = commitTimes;
  }

  /**
   * Runs {@code work} in one transaction, committed (durably) before this returns, rolled back on
   * any failure. With group commit the transaction is a savepoint in a commit shared with others.
   */
  <T> T inTransaction(Work<T> work) {
    return groupCommit != null ? groupCommit.run(work) : ownTransaction(work);
  }

  private <T> T ownTransaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        // sqlite-jdbc flips its auto-commit flag before BEGIN runs: when BEGIN fails (SQLITE_BUSY
        // while another process holds the write lock) the connection believes it is inside a
        // transaction that does not exist, and back in the pool it would run later "transactions"
        // statement by statement in auto-commit, then fail at COMMIT. Never reuse it.
        evict(dataSource, c);
        throw e;
      }
      try {
        T result = work.run(c);
        commitTimes.time(1, c::commit);
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("database operation failed: " + e.getMessage(), e);
    }
  }

  /** Takes a connection that must not be reused out of its pool (when there is one). */
  static void evict(DataSource dataSource, Connection c) {
    if (dataSource instanceof HikariDataSource pool) {
      pool.evictConnection(c);
    }
  }

  /** Runs read-only {@code work} in auto-commit mode. */
  <T> T query(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("database query failed: " + e.getMessage(), e);
    }
  }

  /** Binds {@code args} in order (null as SQL NULL) and executes an update. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      return p.executeUpdate();
    }
  }

  static void bind(PreparedStatement p, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        p.setNull(i + 1, Types.NULL);
      } else if (a instanceof String s) {
        p.setString(i + 1, s);
      } else if (a instanceof Long l) {
        p.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        p.setInt(i + 1, n);
      } else {
        throw new IllegalArgumentException("cannot bind " + a.getClass().getName());
      }
    }
  }
}
