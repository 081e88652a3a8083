package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.store.StoreMigration.TableCount;
import candybridge.testing.Postgres;
import candybridge.testing.SqliteDeployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copying a SQLite deployment into PostgreSQL: every column, in batches, resumable, idempotent. */
class StoreMigrationTest {
  static final Instant NOW = Instant.ofEpochSecond(SqliteDeployment.NOW).plusSeconds(3600);
  static final StoreMigration.Progress QUIET = (table, done, total) -> {};

  @TempDir Path dir;
  SqliteDeployment.Made source;
  String target;

  @BeforeEach
  void make() {
    source = SqliteDeployment.make(dir);
    target = Postgres.freshDatabaseUrl();
  }

  private List<TableCount> migrate(int batchSize, StoreMigration.Progress progress) {
    try (StoreMigration m = StoreMigration.open(source.url(), target, NOW, batchSize)) {
      return m.run(progress);
    }
  }

  @Test
  void copies_every_column_of_every_row_and_a_second_run_copies_nothing() throws SQLException {
    List<TableCount> first = migrate(2, QUIET);
    assertThat(first)
        .extracting(TableCount::table)
        .containsExactly("stripe_event", "delivery", "delivery_attempt");
    assertThat(first)
        .allSatisfy(
            c -> {
              assertThat(c.matches()).isTrue();
              assertThat(c.copied()).isEqualTo(c.source()).isPositive();
              assertThat(c.present()).isZero();
            });
    assertSameRows();

    List<TableCount> second = migrate(2, QUIET);
    assertThat(second)
        .allSatisfy(
            c -> {
              assertThat(c.copied()).isZero();
              assertThat(c.present()).isEqualTo(c.source());
              assertThat(c.target()).isEqualTo(c.source());
            });
    assertSameRows();
  }

  @Test
  void a_run_interrupted_after_its_first_batch_is_completed_by_the_next() throws SQLException {
    assertThatThrownBy(
            () ->
                migrate(
                    2,
                    (table, done, total) -> {
                      throw new IllegalStateException("killed after " + table + " " + done);
                    }))
        .hasMessageContaining("killed after stripe_event 2");
    assertThat(rows(target, "SELECT event_id AS k, * FROM stripe_event")).hasSize(2);

    List<TableCount> rerun = migrate(2, QUIET);
    assertThat(rerun.get(0).present()).isEqualTo(2);
    assertThat(rerun.get(0).copied()).isEqualTo(rerun.get(0).source() - 2);
    assertThat(rerun).allSatisfy(c -> assertThat(c.matches()).isTrue());
    assertSameRows();
  }

  @Test
  void a_delivery_whose_id_is_taken_in_the_target_gets_a_fresh_id_and_keeps_its_attempts()
      throws SQLException {
    JdbcStore.open(target, 1, NOW).close();
    try (Connection c = DriverManager.getConnection(target);
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO stripe_event (event_id, type, object_id, created_s, api_version, plan_summary, received_at)
          VALUES ('evt_other', 'checkout.session.completed', 'cs_other', 1, '2025', 'other', 1)""");
      s.execute(
          """
          INSERT INTO delivery (id, dedupe_key, event_id, method, params, status, created_at, updated_at)
          VALUES (1, 'purchase:cs_other', 'evt_other', 'PURCHASE', '{}', 'delivered', 1, 1)""");
    }
    List<TableCount> counts = migrate(500, QUIET);
    assertThat(counts).allSatisfy(c -> assertThat(c.matches()).isTrue());
    assertThat(counts.get(1).target()).isEqualTo(counts.get(1).source() + 1);

    String key = "purchase:" + source.delivered();
    try (JdbcStore s = JdbcStore.open(source.url(), NOW);
        JdbcStore t = JdbcStore.open(target, NOW)) {
      var before = s.findDeliveryByKey(key).orElseThrow();
      var after = t.findDeliveryByKey(key).orElseThrow();
      assertThat(before.id().value()).isEqualTo(1);
      assertThat(after.id().value()).isGreaterThan(1);
      assertThat(after.call()).isEqualTo(before.call());
      assertThat(t.attempts(after.id()))
          .hasSize(1)
          .first()
          .satisfies(a -> assertThat(a.httpStatus()).hasValue(200));
    }
  }

  @Test
  void refuses_a_source_with_a_newer_schema_or_that_is_no_candybridge_database() throws Exception {
    try (Connection c = DriverManager.getConnection(source.url());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO schema_version (version, script, applied_at) VALUES (999, 'V999__future.sql', 0)");
    }
    assertThatThrownBy(() -> migrate(500, QUIET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema version 999");

    Path empty = Files.createFile(dir.resolve("empty.db"));
    assertThatThrownBy(() -> StoreMigration.open("jdbc:sqlite:" + empty, target, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Candybridge database");
    assertThat(Files.size(empty)).as("not migrated into a Candybridge database").isZero();
  }

  private void assertSameRows() throws SQLException {
    assertThat(rows(target, "SELECT event_id AS k, * FROM stripe_event"))
        .isEqualTo(rows(source.url(), "SELECT event_id AS k, * FROM stripe_event"));
    assertThat(rows(target, "SELECT dedupe_key AS k, * FROM delivery"))
        .isEqualTo(rows(source.url(), "SELECT dedupe_key AS k, * FROM delivery"));
    String attempts =
        "SELECT d.dedupe_key || '#' || a.attempt_number AS k, a.* FROM delivery_attempt a"
            + " JOIN delivery d ON d.id = a.delivery_id";
    Map<String, Map<String, Object>> sourceAttempts = rows(source.url(), attempts);
    assertThat(sourceAttempts.values())
        .extracting(r -> r.get("verdict"))
        .contains("DELIVERED", "FAIL", "RETRY", "IN_DOUBT");
    assertThat(withoutIds(rows(target, attempts))).isEqualTo(withoutIds(sourceAttempts));
  }

  private static Map<String, Map<String, Object>> withoutIds(
      Map<String, Map<String, Object>> rows) {
    rows.values().forEach(r -> r.keySet().removeAll(Set.of("id")));
    return rows;
  }

  /**
   * Every row by its key column {@code k}, each column by name; numbers as longs, so both drivers
   * agree.
   */
  private static Map<String, Map<String, Object>> rows(String url, String sql) throws SQLException {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 2; i <= meta.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.put(
              meta.getColumnLabel(i).toLowerCase(Locale.ROOT),
              v instanceof Number n ? n.longValue() : v);
        }
        out.put(rs.getString(1), row);
      }
    }
    return out;
  }
}
