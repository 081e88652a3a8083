package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingConnectionTest {
  @TempDir Path dir;
  Connection real;
  CachingConnection caching;

  @BeforeEach
  void open() throws SQLException {
    real = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
    try (Statement s = real.createStatement()) {
      s.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
    }
    caching = CachingConnection.over(real);
  }

  @Test
  void the_same_sql_gets_the_same_statement_and_closing_it_only_clears_its_parameters()
      throws SQLException {
    Connection c = caching.connection();
    PreparedStatement first;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      p.setString(1, "a");
      p.setLong(2, 1);
      assertThat(p.executeUpdate()).isEqualTo(1);
      first = p;
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      assertThat(p).isSameAs(first);
      assertThat(p.isClosed()).isFalse();
      p.setString(1, "b");
      p.setLong(2, 2);
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    assertThat(sum(c)).isEqualTo(3);
    assertThat(sum(c))
        .as("a query's statement is reusable after its result set closed")
        .isEqualTo(3);
  }

  @Test
  void closing_the_connection_is_left_to_release() throws SQLException {
    PreparedStatement p = caching.connection().prepareStatement("SELECT 1");
    caching.connection().close();
    assertThat(real.isClosed()).isFalse();
    caching.release();
    assertThat(real.isClosed()).isTrue();
    assertThat(p.isClosed()).isTrue();
  }

  @Test
  void stops_caching_when_sql_is_built_at_run_time() throws SQLException {
    Connection c = caching.connection();
    for (int i = 0; i < CachingConnection.MAX_STATEMENTS; i++) {
      c.prepareStatement("SELECT " + i).close();
    }
    PreparedStatement extra = c.prepareStatement("SELECT 'extra'");
    extra.close();
    assertThat(extra.isClosed()).as("beyond the limit a statement is an ordinary one").isTrue();
    assertThat(c.prepareStatement("SELECT 0").isClosed()).isFalse();
  }

  private static long sum(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT SUM(v) FROM t");
        ResultSet rs = p.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
