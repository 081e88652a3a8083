package candybridge.store;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.history.EventQuery;
import candybridge.history.EventRecord;
import candybridge.history.History;
import candybridge.history.HourlyCount;
import candybridge.history.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link History} in SQL: filtered, cursor-paged listings, newest first. */
final class JdbcHistory implements History {
  private static final String EVENT_COLUMNS =
      "event_id, type, object_id, created_s, received_at, plan_summary, decisions, payload";

  private final Jdbc jdbc;
  private final Dialect dialect;

  JdbcHistory(Jdbc jdbc, Dialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public Page<EventRecord> events(EventQuery query, Optional<String> cursor, int limit) {
    int n = Math.max(1, Math.min(limit, MAX_LIMIT));
    Where w = new Where();
    query.type().ifPresent(t -> w.add("type = ?", t));
    query.from().ifPresent(f -> w.add("received_at >= ?", f.toEpochMilli()));
    query.to().ifPresent(t -> w.add("received_at < ?", t.toEpochMilli()));
    query.search().ifPresent(s -> w.add("(event_id = ? OR object_id = ?)", s, s));
    cursor
        .map(EventCursor::parse)
        .ifPresent(
            c ->
                w.add(
                    "(received_at < ? OR (received_at = ? AND event_id < ?))",
                    c.receivedAt(),
                    c.receivedAt(),
                    c.eventId()));
    String sql =
        "SELECT "
            + EVENT_COLUMNS
            + " FROM stripe_event"
            + w.sql()
            + " ORDER BY received_at DESC, event_id DESC LIMIT ?";
    List<EventRecord> rows =
        jdbc.query(
            c -> {
              try (PreparedStatement p = c.prepareStatement(sql)) {
                w.bind(p, n + 1);
                List<EventRecord> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                  while (rs.next()) out.add(event(rs));
                }
                return out;
              }
            });
    Optional<String> next =
        rows.size() > n
            ? Optional.of(
                new EventCursor(rows.get(n - 1).receivedAt().toEpochMilli(), rows.get(n - 1).id())
                    .text())
            : Optional.empty();
    return new Page<>(rows.subList(0, Math.min(n, rows.size())), next);
  }

  @Override
  public Optional<EventRecord> event(String eventId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + EVENT_COLUMNS + " FROM stripe_event WHERE event_id = ?")) {
            p.setString(1, eventId);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(event(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Page<Delivery> deliveries(DeliveryQuery query, Optional<String> cursor, int limit) {
    int n = Math.max(1, Math.min(limit, MAX_LIMIT));
    Where w = where(query);
    cursor.ifPresent(c -> w.add("d.id < ?", parseId(c)));
    String sql =
        "SELECT "
            + prefixed()
            + " FROM delivery d JOIN stripe_event e ON e.event_id = d.event_id"
            + w.sql()
            + " ORDER BY d.id DESC LIMIT ?";
    List<Delivery> rows =
        jdbc.query(
            c -> {
              try (PreparedStatement p = c.prepareStatement(sql)) {
                w.bind(p, n + 1);
                return DeliveryRows.readAll(p);
              }
            });
    Optional<String> next =
        rows.size() > n
            ? Optional.of(Long.toString(rows.get(n - 1).id().value()))
            : Optional.empty();
    return new Page<>(rows.subList(0, Math.min(n, rows.size())), next);
  }

  /** How many deliveries the query matches now ({@link candybridge.delivery.Store#count}). */
  int count(DeliveryQuery query) {
    Where w = where(query);
    String sql =
        "SELECT COUNT(*) FROM delivery d JOIN stripe_event e ON e.event_id = d.event_id" + w.sql();
    return jdbc.query(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            w.bind(p);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  /** The ids of every delivery matching the query (bulk replay and resolve). */
  List<Long> deliveryIds(DeliveryQuery query) {
    Where w = where(query);
    String sql =
        "SELECT d.id FROM delivery d JOIN stripe_event e ON e.event_id = d.event_id"
            + w.sql()
            + " ORDER BY d.id";
    return jdbc.query(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            w.bind(p);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) out.add(rs.getLong(1));
            }
            return out;
          }
        });
  }

  @Override
  public List<HourlyCount> hourly(Instant since) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  """
          SELECT (created_at / 3600000) * 3600000 AS hour, status, COUNT(*)
            FROM delivery WHERE created_at >= ?
           GROUP BY hour, status ORDER BY hour, status
          """)) {
            p.setLong(1, since.toEpochMilli());
            List<HourlyCount> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HourlyCount(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        DeliveryStatus.fromWireName(rs.getString(2)),
                        rs.getLong(3)));
              }
            }
            return out;
          }
        });
  }

  private Where where(DeliveryQuery q) {
    Where w = new Where();
    if (!q.statuses().isEmpty()) {
      List<Object> names = new ArrayList<>();
      q.statuses().stream().sorted().forEach(s -> names.add(s.wireName()));
      w.add("d.status IN (" + "?,".repeat(names.size() - 1) + "?)", names.toArray());
    }
    q.eventType().ifPresent(t -> w.add("e.type = ?", t));
    q.workflow().ifPresent(t -> w.add("d.workflow = ?", t));
    q.from().ifPresent(f -> w.add("d.created_at >= ?", f.toEpochMilli()));
    q.to().ifPresent(t -> w.add("d.created_at < ?", t.toEpochMilli()));
    q.search().ifPresent(s -> search(w, s));
    return w;
  }

  /**
   * Whole values only, never a part of one (a bulk replay acts on what this matches): the event id,
   * the event's object id (the Checkout Session), the dedupe key or its end after a {@code :} (the
   * id in {@code purchase:cs_…}), or the call's whole {@code email} or {@code customer_email}
   * parameter (matched in the stored JSON as {@code "email":"…"}, so only that parameter's value).
   */
  private void search(Where w, String s) {
    String suffix = ":" + s;
    int chars = suffix.codePointCount(0, suffix.length()); // SQL length() counts characters
    w.add(
        "(d.event_id = ? OR e.object_id = ? OR d.dedupe_key = ?"
            + " OR (length(d.dedupe_key) > ? AND substr(d.dedupe_key, length(d.dedupe_key) - ? + 1) = ?)"
            + " OR "
            + dialect.contains("d.params")
            + " OR "
            + dialect.contains("d.params")
            + ")",
        s,
        s,
        s,
        chars,
        chars,
        suffix,
        param("email", s),
        param("customer_email", s));
  }

  /** {@code "name":"value"} exactly as the stored parameter JSON writes it (same escaping). */
  private static String param(String name, String value) {
    String json = DeliveryRows.paramsJson(java.util.Map.of(name, value));
    return json.substring(1, json.length() - 1);
  }

  private static String prefixed() {
    StringBuilder out = new StringBuilder();
    for (String col : DeliveryRows.COLUMNS.split(",")) {
      if (out.length() > 0) out.append(", ");
      out.append("d.").append(col.strip());
    }
    return out.toString();
  }

  private static long parseId(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cursor '" + cursor + "' is not one this server gave out", e);
    }
  }

  private static EventRecord event(ResultSet rs) throws SQLException {
    return new EventRecord(
        rs.getString("event_id"),
        rs.getString("type"),
        rs.getString("object_id"),
        rs.getLong("created_s"),
        Instant.ofEpochMilli(rs.getLong("received_at")),
        rs.getString("plan_summary"),
        rs.getString("decisions"),
        Optional.ofNullable(rs.getString("payload")));
  }

  /** Events are paged by (received_at, event_id); the cursor carries both. */
  private record EventCursor(long receivedAt, String eventId) {
    static EventCursor parse(String text) {
      int sep = text.indexOf('~');
      try {
        return new EventCursor(Long.parseLong(text.substring(0, sep)), text.substring(sep + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "cursor '" + text + "' is not one this server gave out", e);
      }
    }

    String text() {
      return receivedAt + "~" + eventId;
    }
  }

  /** A WHERE clause built from optional conditions, with its parameters in order. */
  private static final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    void add(String condition, Object... values) {
      conditions.add(condition);
      args.addAll(List.of(values));
    }

    String sql() {
      return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    void bind(PreparedStatement p, Object... extra) throws SQLException {
      List<Object> all = new ArrayList<>(args);
      all.addAll(List.of(extra));
      Jdbc.bind(p, all.toArray());
    }
  }
}
