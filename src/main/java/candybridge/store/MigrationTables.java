package candybridge.store;

import candybridge.store.StoreMigration.Progress;
import candybridge.store.StoreMigration.TableCount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The copy steps of a {@link StoreMigration}, one per table. Each batch: read source rows by key
 * order, ask the target which of their business keys it has, insert the others, ask again, commit.
 * Counting by keys rather than by update counts keeps the figures right on a rerun and whatever
 * batching the driver does. Columns are taken from the source row, so every column is copied.
 */
final class MigrationTables {
  private static final String ATTEMPT_DELIVERY_KEY = "delivery_key";

  private final Connection source;
  private final Connection target;
  private final int batchSize;

  MigrationTables(Connection source, Connection target, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    this.source = source;
    this.target = target;
    this.batchSize = batchSize;
  }

  private interface Step {
    /** Which of these rows' keys the target has (possibly more keys than the batch's). */
    Set<String> present(List<Map<String, Object>> batch) throws SQLException;

    /** Inserts rows the target lacked, each {@code ON CONFLICT DO NOTHING}. */
    void insert(List<Map<String, Object>> rows) throws SQLException;
  }

  private record Table(
      String name,
      String selectBatch,
      String orderColumn,
      Object start,
      Function<Map<String, Object>, String> key) {}

  TableCount copyEvents(Progress progress) throws SQLException {
    Table events =
        new Table(
            "stripe_event",
            "SELECT * FROM stripe_event WHERE event_id > ? ORDER BY event_id LIMIT ?",
            "event_id",
            "",
            row -> (String) row.get("event_id"));
    return copy(
        events,
        progress,
        new Step() {
          @Override
          public Set<String> present(List<Map<String, Object>> batch) throws SQLException {
            return strings(
                "SELECT event_id FROM stripe_event WHERE event_id = ANY(?)", keys(batch, events));
          }

          @Override
          public void insert(List<Map<String, Object>> rows) throws SQLException {
            insertAll("stripe_event", rows);
          }
        });
  }

  TableCount copyDeliveries(Progress progress) throws SQLException {
    Table deliveries =
        new Table(
            "delivery",
            "SELECT * FROM delivery WHERE id > ? ORDER BY id LIMIT ?",
            "id",
            Long.MIN_VALUE,
            row -> (String) row.get("dedupe_key"));
    return copy(
        deliveries,
        progress,
        new Step() {
          @Override
          public Set<String> present(List<Map<String, Object>> batch) throws SQLException {
            return strings(
                "SELECT dedupe_key FROM delivery WHERE dedupe_key = ANY(?)",
                keys(batch, deliveries));
          }

          @Override
          public void insert(List<Map<String, Object>> rows) throws SQLException {
            Set<Long> taken = new HashSet<>();
            try (PreparedStatement p =
                target.prepareStatement("SELECT id FROM delivery WHERE id = ANY(?)")) {
              p.setArray(
                  1,
                  target.createArrayOf("bigint", rows.stream().map(MigrationTables::id).toArray()));
              try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                  taken.add(rs.getLong(1));
                }
              }
            }
            Map<Boolean, List<Map<String, Object>>> byTaken =
                rows.stream().collect(Collectors.partitioningBy(r -> taken.contains(id(r))));
            insertAll("delivery", byTaken.get(false));
            if (!byTaken.get(true).isEmpty()) {
              // Another sale has this id in the target: this one gets a fresh id past every copied
              // one.
              resetSequences();
              List<Map<String, Object>> fresh =
                  byTaken.get(true).stream().map(r -> without(r, Set.of("id"))).toList();
              insertAll("delivery", fresh);
            }
          }
        });
  }

  TableCount copyAttempts(Progress progress) throws SQLException {
    Table attempts =
        new Table(
            "delivery_attempt",
            "SELECT a.*, d.dedupe_key AS "
                + ATTEMPT_DELIVERY_KEY
                + " FROM delivery_attempt a"
                + " JOIN delivery d ON d.id = a.delivery_id WHERE a.id > ? ORDER BY a.id LIMIT ?",
            "id",
            Long.MIN_VALUE,
            row -> row.get(ATTEMPT_DELIVERY_KEY) + "#" + row.get("attempt_number"));
    return copy(
        attempts,
        progress,
        new Step() {
          @Override
          public Set<String> present(List<Map<String, Object>> batch) throws SQLException {
            try (PreparedStatement p =
                target.prepareStatement(
                    """
            SELECT d.dedupe_key || '#' || a.attempt_number FROM delivery_attempt a
              JOIN delivery d ON d.id = a.delivery_id WHERE d.dedupe_key = ANY(?)
            """)) {
              p.setArray(1, target.createArrayOf("text", deliveryKeys(batch).toArray()));
              return readStrings(p);
            }
          }

          @Override
          public void insert(List<Map<String, Object>> rows) throws SQLException {
            // The target's delivery ids may differ from the source's: map them by dedupe key.
            Map<String, Long> ids = new HashMap<>();
            try (PreparedStatement p =
                target.prepareStatement(
                    "SELECT dedupe_key, id FROM delivery WHERE dedupe_key = ANY(?)")) {
              p.setArray(1, target.createArrayOf("text", deliveryKeys(rows).toArray()));
              try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                  ids.put(rs.getString(1), rs.getLong(2));
                }
              }
            }
            // An attempt whose delivery is not in the target stays out and is reported missing.
            List<Map<String, Object>> mapped = new ArrayList<>();
            for (Map<String, Object> row : rows) {
              Long deliveryId = ids.get((String) row.get(ATTEMPT_DELIVERY_KEY));
              if (deliveryId != null) {
                Map<String, Object> copy = without(row, Set.of("id", ATTEMPT_DELIVERY_KEY));
                copy.put("delivery_id", deliveryId);
                mapped.add(copy);
              }
            }
            insertAll("delivery_attempt", mapped);
          }
        });
  }

  /**
   * Moves the target's id sequences past the highest id, so new rows never collide with copied
   * ones.
   */
  void resetSequences() throws SQLException {
    for (String table : List.of("delivery", "delivery_attempt")) {
      try (Statement s = target.createStatement()) {
        s.execute(
            "SELECT setval(pg_get_serial_sequence('"
                + table
                + "', 'id'), MAX(id)) FROM "
                + table
                + " HAVING MAX(id) IS NOT NULL");
      }
    }
  }

  static long count(Connection c, String fromWhere) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + fromWhere)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private TableCount copy(Table table, Progress progress, Step step) throws SQLException {
    long total = count(source, table.name());
    long done = 0;
    long copied = 0;
    long present = 0;
    long missing = 0;
    Object after = table.start();
    for (List<Map<String, Object>> batch = read(table, after);
        !batch.isEmpty();
        batch = read(table, after)) {
      Set<String> keys = new HashSet<>(keys(batch, table));
      Set<String> before = step.present(batch);
      before.retainAll(keys);
      step.insert(batch.stream().filter(r -> !before.contains(table.key().apply(r))).toList());
      Set<String> now = step.present(batch);
      now.retainAll(keys);
      target.commit();
      present += before.size();
      copied += now.size() - before.size();
      missing += keys.size() - now.size();
      done += batch.size();
      after = batch.get(batch.size() - 1).get(table.orderColumn());
      progress.batch(table.name(), done, total);
    }
    return new TableCount(
        table.name(), total, count(target, table.name()), copied, present, missing);
  }

  private List<Map<String, Object>> read(Table table, Object after) throws SQLException {
    try (PreparedStatement p = source.prepareStatement(table.selectBatch())) {
      p.setObject(1, after);
      p.setInt(2, batchSize);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /**
   * Inserts {@code rows} (all with the same columns), skipping any that conflicts with a row
   * already there.
   */
  private void insertAll(String table, List<Map<String, Object>> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    List<String> columns = new ArrayList<>(rows.get(0).keySet());
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + columns.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", "))
            + ") VALUES ("
            + "?, ".repeat(columns.size() - 1)
            + "?) ON CONFLICT DO NOTHING";
    try (PreparedStatement p = target.prepareStatement(sql)) {
      for (Map<String, Object> row : rows) {
        Jdbc.bind(p, row.values().toArray());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private Set<String> strings(String sql, List<String> keys) throws SQLException {
    try (PreparedStatement p = target.prepareStatement(sql)) {
      p.setArray(1, target.createArrayOf("text", keys.toArray()));
      return readStrings(p);
    }
  }

  private static Set<String> readStrings(PreparedStatement p) throws SQLException {
    Set<String> out = new HashSet<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> keys(List<Map<String, Object>> batch, Table table) {
    return batch.stream().map(table.key()).toList();
  }

  private static List<String> deliveryKeys(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (String) r.get(ATTEMPT_DELIVERY_KEY)).distinct().toList();
  }

  private static Long id(Map<String, Object> row) {
    return ((Number) row.get("id")).longValue();
  }

  private static Map<String, Object> without(Map<String, Object> row, Set<String> columns) {
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.keySet().removeAll(columns);
    return out;
  }
}
