package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.delivery.StoreException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/** Many callers' transactions share commits; each still succeeds or fails on its own. */
class GroupCommitTest {
  @TempDir Path dir;
  HikariDataSource pool;
  GroupCommit commits;
  CommitTimes times = new CommitTimes();
  ExecutorService callers = Executors.newFixedThreadPool(16);

  @BeforeEach
  void open() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("t.db"));
    new SqliteDialect().configure(config);
    pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    }
    commits = new GroupCommit(pool, times);
  }

  @AfterEach
  void close() {
    callers.shutdownNow();
    commits.close();
    pool.close();
  }

  @Test
  void concurrent_transactions_all_commit_and_a_failing_one_fails_alone() throws Exception {
    assertThat(commits.<Integer>run(c -> insertTwice(c, "a0", "b0"))).isEqualTo(2);
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 1; i < 400; i++) {
      String first = "a" + i;
      String second = i == 200 ? "b0" : "b" + i; // the 200th repeats a key: its second insert fails
      results.add(
          CompletableFuture.supplyAsync(
              () -> commits.run(c -> insertTwice(c, first, second)), callers));
    }
    int failed = 0;
    for (CompletableFuture<Integer> r : results) {
      try {
        r.join();
      } catch (RuntimeException e) {
        assertThat(e).hasRootCauseInstanceOf(SQLException.class);
        failed++;
      }
    }
    assertThat(failed).isEqualTo(1);
    // Each transaction inserted two rows; the failed one left neither (its first insert, of a
    // fresh key, was undone with it), and the others of its batch were committed.
    assertThat(count("SELECT COUNT(*) FROM t")).isEqualTo(2 * 399);
    assertThat(count("SELECT COUNT(*) FROM t WHERE k = 'a200'")).isZero();
  }

  @Test
  void the_writer_keeps_savepoint_journals_in_memory_and_the_pool_keeps_its_default()
      throws Exception {
    // 2 = MEMORY: no temporary file per batch for the savepoints' sub-journal (BENCHMARKS.md).
    assertThat(commits.<Integer>run(GroupCommitTest::tempStore)).isEqualTo(2);
    try (Connection c = pool.getConnection()) {
      assertThat(tempStore(c)).isZero();
    }
  }

  @Test
  void the_pool_does_not_fetch_generated_keys_after_every_insert() throws Exception {
    try (Connection c = pool.getConnection()) {
      assertThat(c.unwrap(SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys())
          .isFalse();
    }
  }

  private static int tempStore(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA temp_store")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void each_batch_reports_its_commit_once_and_a_failed_batch_none() throws Exception {
    List<Duration> timed = Collections.synchronizedList(new ArrayList<>());
    times.onCommit(timed::add);
    // One caller at a time: every run is a batch of its own.
    for (int i = 0; i < 3; i++) {
      String key = "k" + i;
      commits.run(c -> Jdbc.update(c, "INSERT INTO t (k, v) VALUES (?, ?)", key, 1));
    }
    assertThat(timed).hasSize(3);
    // A work that fails alone is undone to its savepoint; its (now empty) batch still commits.
    assertThatThrownBy(() -> commits.run(c -> insertTwice(c, "k0", "x")))
        .isInstanceOf(StoreException.class);
    assertThat(timed).hasSize(4).allSatisfy(d -> assertThat(d.isNegative()).isFalse());
  }

  @Test
  void fails_while_another_process_holds_the_write_lock_past_the_busy_timeout_and_recovers()
      throws Exception {
    List<Duration> timed = Collections.synchronizedList(new ArrayList<>());
    times.onCommit(timed::add);
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        Statement s = other.createStatement()) {
      s.execute("PRAGMA busy_timeout = 12000");
      s.execute("BEGIN IMMEDIATE");
      // Held past the 10 s busy timeout: the work fails, nothing half-done.
      assertThatThrownBy(() -> commits.run(c -> insertTwice(c, "a-locked", "b-locked")))
          .isInstanceOf(StoreException.class);
      s.execute("ROLLBACK");
    }
    assertThat(timed).isEmpty();
    assertThat(commits.<Integer>run(c -> insertTwice(c, "a-after", "b-after"))).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM t")).isEqualTo(2);
    assertThat(timed).hasSize(1);
  }

  private static int insertTwice(Connection c, String first, String second) throws SQLException {
    int n = Jdbc.update(c, "INSERT INTO t (k, v) VALUES (?, ?)", first, 1);
    return n + Jdbc.update(c, "INSERT INTO t (k, v) VALUES (?, ?)", second, 1);
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
