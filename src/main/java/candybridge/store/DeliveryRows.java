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
    long next = rs.getLong("next_attempt_at");
    boolean noNext = rs.wasNull();
    return new Delivery(
        new DeliveryId(rs.getLong("id")),
        rs.getString("workflow"),
        rs.getString("dedupe_key"),
        new StripeEventId(rs.getString("event_id")),
        new RcCall(RcMethod.valueOf(rs.getString("method")), params(rs.getString("params"))),
        DeliveryStatus.fromWireName(rs.getString("status")),
        rs.getInt("attempt_count"),
        noNext ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next)),
        Optional.ofNullable(rs.getString("last_error")),
        rs.getLong("version"),
        rs.getInt("needs_lookup") != 0,
        rs.getInt("manual") != 0,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  static List<Delivery> readAll(PreparedStatement p) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
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

  private static TreeMap<String, String> params(String json) throws SQLException {
    try {
      return JSON.readValue(json, PARAMS);
    } catch (JsonProcessingException e) {
      throw new SQLException("delivery.params is not a JSON object of strings", e);
    }
  }
}
