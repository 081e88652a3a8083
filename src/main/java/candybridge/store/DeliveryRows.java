package candybridge.store;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryStatus;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEventId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Maps {@code delivery} rows to {@link Delivery} records and parameters to JSON and back. */
final class DeliveryRows {
  static final String COLUMNS =
      "id, workflow, dedupe_key, event_id, method, params, status, attempt_count,"
          + " next_attempt_at, last_error, version, needs_lookup, manual, created_at, updated_at";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> PARAMS = new TypeReference<>() {};

  private DeliveryRows() {}

  static Delivery read(ResultSet rs) throws SQLException {
    return Raw.of(rs).delivery();
  }

  /**
   * A delivery row's columns as stored, its parameters still JSON text: what the group-commit
   * writer reads inside a transaction, leaving the parsing to the caller's thread.
   */
  record Raw(
      long id,
      String workflow,
      String dedupeKey,
      String eventId,
      String method,
      String params,
      String status,
      int attemptCount,
      Optional<Instant> nextAttemptAt,
      Optional<String> lastError,
      long version,
      boolean needsLookup,
      boolean manual,
      long createdAt,
      long updatedAt) {

    static Raw of(ResultSet rs) throws SQLException {
      long next = rs.getLong("next_attempt_at");
      boolean noNext = rs.wasNull();
      return new Raw(
          rs.getLong("id"),
          rs.getString("workflow"),
          rs.getString("dedupe_key"),
          rs.getString("event_id"),
          rs.getString("method"),
          rs.getString("params"),
          rs.getString("status"),
          rs.getInt("attempt_count"),
          noNext ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next)),
          Optional.ofNullable(rs.getString("last_error")),
          rs.getLong("version"),
          rs.getInt("needs_lookup") != 0,
          rs.getInt("manual") != 0,
          rs.getLong("created_at"),
          rs.getLong("updated_at"));
    }

    /** Parses the parameters; a row whose JSON is not an object of strings is a store failure. */
    Delivery delivery() {
      return new Delivery(
          new DeliveryId(id),
          workflow,
          dedupeKey,
          new StripeEventId(eventId),
          new RcCall(RcMethod.valueOf(method), DeliveryRows.params(params)),
          DeliveryStatus.fromWireName(status),
          attemptCount,
          nextAttemptAt,
          lastError,
          version,
          needsLookup,
          manual,
          Instant.ofEpochMilli(createdAt),
          Instant.ofEpochMilli(updatedAt));
    }
  }

  static List<Delivery> readAll(PreparedStatement p) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    for (Raw raw : readRaw(p)) {
      out.add(raw.delivery());
    }
    return out;
  }

  static List<Raw> readRaw(PreparedStatement p) throws SQLException {
    List<Raw> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(Raw.of(rs));
      }
    }
    return out;
  }

  static Optional<Delivery> first(Jdbc jdbc, String sql, Object arg) {
    return jdbc.query(c -> first(c, sql, arg));
  }

  static Optional<Delivery> first(java.sql.Connection c, String sql, Object arg) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      Jdbc.bind(p, arg);
      List<Delivery> all = readAll(p);
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }
  }

  static String paramsJson(Map<String, String> params) {
    return json(params);
  }

  /** Any plain value (maps, lists, records of strings) as JSON text. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plain value always serialises: " + value.getClass(), e);
    }
  }

  private static TreeMap<String, String> params(String json) {
    try {
      return JSON.readValue(json, PARAMS);
    } catch (JsonProcessingException e) {
      throw new StoreException("delivery.params is not a JSON object of strings", e);
    }
  }
}
