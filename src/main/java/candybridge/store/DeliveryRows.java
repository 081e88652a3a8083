package candybridge.store;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.StoreException;
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
import java.util.function.Supplier;

/** Maps {@code delivery} rows to {@link Delivery} records and parameters to JSON and back. */
final class DeliveryRows {
  static final String COLUMNS =
      "id, workflow, dedupe_key, event_id, method, params, status, attempt_count,"
          + " next_attempt_at, last_error, version, needs_lookup, manual, created_at, updated_at";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> PARAMS = new TypeReference<>() {};

  private DeliveryRows() {}

  static Delivery read(ResultSet rs) throws SQLException {
    return readLater(rs).get();
  }

  /**
   * Reads a delivery row's columns now and builds the {@link Delivery} when asked: the parameters'
   * JSON is parsed then. The group-commit writer reads claimed rows inside its transaction and
   * leaves the parsing to the caller's thread. A row whose JSON is not an object of strings is a
   * store failure.
   */
  static Supplier<Delivery> readLater(ResultSet rs) throws SQLException {
    long id = rs.getLong("id");
    String workflow = rs.getString("workflow");
    String dedupeKey = rs.getString("dedupe_key");
    String eventId = rs.getString("event_id");
    RcMethod method = RcMethod.valueOf(rs.getString("method"));
    String params = rs.getString("params");
    DeliveryStatus status = DeliveryStatus.fromWireName(rs.getString("status"));
    int attemptCount = rs.getInt("attempt_count");
    long next = rs.getLong("next_attempt_at");
    Optional<Instant> nextAttemptAt =
        rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next));
    Optional<String> lastError = Optional.ofNullable(rs.getString("last_error"));
    long version = rs.getLong("version");
    boolean needsLookup = rs.getInt("needs_lookup") != 0;
    boolean manual = rs.getInt("manual") != 0;
    Instant createdAt = Instant.ofEpochMilli(rs.getLong("created_at"));
    Instant updatedAt = Instant.ofEpochMilli(rs.getLong("updated_at"));
    return () ->
        new Delivery(
            new DeliveryId(id),
            workflow,
            dedupeKey,
            new StripeEventId(eventId),
            new RcCall(method, params(params)),
            status,
            attemptCount,
            nextAttemptAt,
            lastError,
            version,
            needsLookup,
            manual,
            createdAt,
            updatedAt);
  }

  static List<Delivery> readAll(PreparedStatement p) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    for (Supplier<Delivery> row : readLater(p)) {
      out.add(row.get());
    }
    return out;
  }

  static List<Supplier<Delivery>> readLater(PreparedStatement p) throws SQLException {
    List<Supplier<Delivery>> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(readLater(rs));
      }
    }
    return out;
  }

  static Optional<Delivery> first(Jdbc jdbc, String sql, Object arg) {
    return jdbc.query(c -> first(c, sql, arg));
  }

  static Optional<Delivery> first(java.sql.Connection c, String sql, Object arg)
      throws SQLException {
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
