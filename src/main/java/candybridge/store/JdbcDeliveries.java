package candybridge.store;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import candybridge.delivery.Verdict;
import candybridge.referralcandy.RcCall;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Stores the state of deliveries ({@code delivery} rows): the worker's claims and lookups, reads by
 * id, key and event, and an operator's replays and resolutions. Answers {@code claimDue}, {@code
 * completeLookup}, {@code findDelivery}, {@code findDeliveryByKey}, {@code deliveriesOfEvent},
 * {@code replay}, {@code replayMatching}, {@code resolveAsSent} and {@code resolveMatching} of
 * {@link candybridge.delivery.Store} for {@link JdbcStore}. A resolution's attempt row is written
 * with {@link JdbcAttempts#insert}.
 */
final class JdbcDeliveries {
  private final Jdbc jdbc;
  private final Dialect dialect;
  private final JdbcHistory history;

  JdbcDeliveries(Jdbc jdbc, Dialect dialect, JdbcHistory history) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.history = history;
  }

  boolean completeLookup(Delivery claimed, RcCall call) {
    String params =
        DeliveryRows.paramsJson(call.params()); // before the transaction, as in saveEvent
    return jdbc.inTransaction(
        c ->
            Jdbc.update(
                    c,
                    """
                    UPDATE delivery SET params = ?, needs_lookup = 0
                     WHERE id = ? AND status = 'in_flight' AND version = ?
                    """,
                    params,
                    claimed.id().value(),
                    claimed.version())
                == 1);
  }

  List<Delivery> claimDue(Instant now, int limit, String claimant, Instant leaseUntil) {
    // The rows' parameters are parsed after the transaction, on this thread, not the writer's.
    List<Supplier<Delivery>> claimed =
        jdbc.inTransaction(
            c -> {
              try (PreparedStatement p =
                  c.prepareStatement(dialect.claimSql(DeliveryRows.COLUMNS))) {
                p.setString(1, claimant);
                p.setLong(2, leaseUntil.toEpochMilli());
                p.setLong(3, now.toEpochMilli());
                p.setLong(4, now.toEpochMilli());
                p.setInt(5, limit);
                return DeliveryRows.readLater(p);
              }
            });
    List<Delivery> out = new ArrayList<>(claimed.size());
    for (Supplier<Delivery> row : claimed) {
      out.add(row.get());
    }
    return out;
  }

  Optional<Delivery> findDelivery(DeliveryId id) {
    return DeliveryRows.first(
        jdbc, "SELECT " + DeliveryRows.COLUMNS + " FROM delivery WHERE id = ?", id.value());
  }

  Optional<Delivery> findDeliveryByKey(String dedupeKey) {
    return DeliveryRows.first(
        jdbc, "SELECT " + DeliveryRows.COLUMNS + " FROM delivery WHERE dedupe_key = ?", dedupeKey);
  }

  List<Delivery> deliveriesOfEvent(String eventId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + DeliveryRows.COLUMNS
                      + " FROM delivery WHERE event_id = ? ORDER BY id")) {
            p.setString(1, eventId);
            return DeliveryRows.readAll(p);
          }
        });
  }

  Optional<Delivery> replay(DeliveryId id, Instant now) {
    boolean replayed =
        jdbc.inTransaction(c -> requeue(c, id, "('delivered', 'failed', 'in_doubt')", now));
    return replayed ? findDelivery(id) : Optional.empty();
  }

  /**
   * An operator's replay of one delivery: due now, its next attempt manual. One statement, guarded
   * by the delivery being in one of {@code statuses} (an SQL list) at that moment.
   */
  private static boolean requeue(Connection c, DeliveryId id, String statuses, Instant now)
      throws SQLException {
    return Jdbc.update(
            c,
            """
        UPDATE delivery SET status = 'pending', next_attempt_at = ?, manual = 1, updated_at = ?,
               version = version + 1
         WHERE id = ? AND status IN """
                + statuses,
            now.toEpochMilli(),
            now.toEpochMilli(),
            id.value())
        == 1;
  }

  int replayMatching(DeliveryQuery query, Instant now) {
    java.util.Set<DeliveryStatus> statuses =
        query.statuses().isEmpty()
            ? java.util.EnumSet.of(
                DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.IN_DOUBT)
            : query.statuses();
    if (statuses.stream().anyMatch(s -> !s.isReplayable())) {
      throw new IllegalArgumentException(
          "only delivered, failed and in-doubt deliveries can be replayed");
    }
    int n = 0;
    for (long id : history.deliveryIds(query.withStatuses(statuses))) {
      n += replay(new DeliveryId(id), now).isPresent() ? 1 : 0;
    }
    return n;
  }

  Optional<Delivery> resolveAsSent(DeliveryId id, Instant now) {
    boolean resolved = jdbc.inTransaction(c -> settleAsSent(c, id, now));
    return resolved ? findDelivery(id) : Optional.empty();
  }

  /**
   * Marks one in-doubt delivery delivered with a {@code RESOLUTION} attempt row. False, with
   * nothing written, when it is not in doubt or changed between the read and the update (the
   * version guard: on PostgreSQL another instance may commit in between).
   */
  private static boolean settleAsSent(Connection c, DeliveryId id, Instant now)
      throws SQLException {
    Optional<Delivery> d =
        DeliveryRows.first(
            c,
            "SELECT "
                + DeliveryRows.COLUMNS
                + " FROM delivery WHERE id = ? AND status = 'in_doubt'",
            id.value());
    if (d.isEmpty()) {
      return false;
    }
    String note = "resolved by an operator: the call reached ReferralCandy";
    int updated =
        Jdbc.update(
            c,
            """
        UPDATE delivery SET status = 'delivered', attempt_count = ?, last_error = NULL,
               next_attempt_at = NULL, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ? AND status = 'in_doubt'
        """,
            d.get().attemptCount() + 1,
            now.toEpochMilli(),
            id.value(),
            d.get().version());
    if (updated == 0) {
      return false;
    }
    JdbcAttempts.insert(
        c,
        new Attempt(
            id,
            d.get().attemptCount() + 1,
            AttemptTrigger.RESOLUTION,
            now,
            Duration.ZERO,
            OptionalInt.empty(),
            Optional.empty(),
            Optional.of(note),
            Verdict.DELIVERED));
    return true;
  }

  int resolveMatching(DeliveryQuery query, Replay.Resolution how, Instant now) {
    java.util.Set<DeliveryStatus> inDoubt = java.util.Set.of(DeliveryStatus.IN_DOUBT);
    if (!query.statuses().isEmpty() && !query.statuses().equals(inDoubt)) {
      throw new IllegalArgumentException("only in_doubt deliveries can be resolved");
    }
    int n = 0;
    for (long id : history.deliveryIds(query.withStatuses(inDoubt))) {
      DeliveryId d = new DeliveryId(id);
      // One transaction per delivery, each re-checking "still in doubt" as it changes the row.
      boolean resolved =
          jdbc.inTransaction(
              c ->
                  how == Replay.Resolution.SENT
                      ? settleAsSent(c, d, now)
                      : requeue(c, d, "('in_doubt')", now));
      n += resolved ? 1 : 0;
    }
    return n;
  }
}
