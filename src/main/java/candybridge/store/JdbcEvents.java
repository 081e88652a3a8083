package candybridge.store;

import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.SaveResult;
import candybridge.stripe.StripeEvent;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stores Stripe events ({@code stripe_event}) and reads them back; saving an event also inserts the
 * deliveries planned from it, in the same transaction. Answers {@code saveEvent}, {@code
 * sessionCompletedAt}, {@code eventPayload} and {@code eventSummary} of {@link
 * candybridge.delivery.Store} for {@link JdbcStore}.
 */
final class JdbcEvents {
  private final Jdbc jdbc;

  JdbcEvents(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  SaveResult saveEvent(StripeEvent event, Plan plan, Instant now) {
    // JSON is written before the transaction: with group commit, the work inside runs on the one
    // writer thread, which should do nothing but SQL.
    String decisions = DeliveryRows.json(plan.decisions());
    List<String> params =
        plan.deliveries().stream().map(d -> DeliveryRows.paramsJson(d.call().params())).toList();
    return jdbc.inTransaction(
        c -> {
          int inserted =
              Jdbc.update(
                  c,
                  """
                  INSERT INTO stripe_event (event_id, type, object_id, created_s, api_version,
                                            payload, plan_summary, decisions, received_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (event_id) DO NOTHING
                  """,
                  event.id().value(),
                  event.type(),
                  event.objectId(),
                  event.created(),
                  event.apiVersion(),
                  event.payload(),
                  plan.summary(),
                  decisions,
                  now.toEpochMilli());
          if (inserted == 0) {
            return SaveResult.duplicate();
          }
          Map<String, DeliveryId> alreadyPlanned = new LinkedHashMap<>();
          for (int i = 0; i < params.size(); i++) {
            PlannedDelivery planned = plan.deliveries().get(i);
            if (insertDelivery(c, event, planned, params.get(i), now) == 0) {
              alreadyPlanned.put(planned.dedupeKey(), deliveryIdOf(c, planned.dedupeKey()));
            }
          }
          SaveResult stored = SaveResult.stored(alreadyPlanned);
          if (!alreadyPlanned.isEmpty()) {
            recordDecisions(c, event, plan.alreadyPlanned(stored.alreadyPlannedIds()));
          }
          return stored;
        });
  }

  /** Inserts a planned delivery unless its dedupe key is already planned; returns 1, or 0 if so. */
  private static int insertDelivery(
      Connection c, StripeEvent event, PlannedDelivery planned, String paramsJson, Instant now)
      throws SQLException {
    boolean blocked = planned.blockedReason().isPresent();
    return Jdbc.update(
        c,
        """
        INSERT INTO delivery (workflow, dedupe_key, event_id, method, params, status,
                              next_attempt_at, last_error, needs_lookup, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dedupe_key) DO NOTHING
        """,
        planned.workflow(),
        planned.dedupeKey(),
        event.id().value(),
        planned.call().method().name(),
        paramsJson,
        (blocked ? DeliveryStatus.FAILED : DeliveryStatus.PENDING).wireName(),
        blocked ? null : now.toEpochMilli(),
        planned.blockedReason().orElse(null),
        planned.needsLookup() ? 1 : 0,
        now.toEpochMilli(),
        now.toEpochMilli());
  }

  /**
   * The delivery that holds a key our insert found taken. On PostgreSQL that insert waited for a
   * concurrent holder to commit (or roll back, and then it would have inserted), and this statement
   * sees what was committed before it started (READ COMMITTED); on SQLite there is one writer.
   */
  private static DeliveryId deliveryIdOf(Connection c, String dedupeKey) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT id FROM delivery WHERE dedupe_key = ?")) {
      p.setString(1, dedupeKey);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException(
              "dedupe key " + dedupeKey + " conflicted but no delivery holds it");
        }
        return new DeliveryId(rs.getLong(1));
      }
    }
  }

  /**
   * Rewrites the event's decisions and summary, in its saving transaction, once it is known that
   * some of its deliveries were already planned. Only a second event for a sale pays for this, and
   * for the JSON written here on the writer thread (see {@link #saveEvent}).
   */
  private static void recordDecisions(Connection c, StripeEvent event, Plan recorded)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE stripe_event SET plan_summary = ?, decisions = ? WHERE event_id = ?",
        recorded.summary(),
        DeliveryRows.json(recorded.decisions()),
        event.id().value());
  }

  OptionalLong sessionCompletedAt(String sessionId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT MIN(created_s) FROM stripe_event WHERE object_id = ? AND type = ?")) {
            p.setString(1, sessionId);
            p.setString(2, "checkout.session.completed");
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              long v = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
          }
        });
  }

  Optional<String> eventPayload(String eventId) {
    return eventColumn("payload", eventId);
  }

  Optional<String> eventSummary(String eventId) {
    return eventColumn("plan_summary", eventId);
  }

  /** One text column of one stored event; empty when the event or the value is absent. */
  private Optional<String> eventColumn(String column, String eventId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT " + column + " FROM stripe_event WHERE event_id = ?")) {
            p.setString(1, eventId);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }
}
