package candybridge.store;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Stores attempts ({@code delivery_attempt} rows, append-only) with the change each makes to its
 * delivery: a worker's recorded attempt and the recovery of abandoned claims as in doubt. Answers
 * {@code recordAttempt}, {@code markAbandonedInDoubt} and {@code attempts} of {@link
 * candybridge.delivery.Store} for {@link JdbcStore}; {@link #insert} writes every attempt row.
 */
final class JdbcAttempts {
  private final Jdbc jdbc;

  JdbcAttempts(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  boolean recordAttempt(
      Delivery claimed, Attempt attempt, DeliveryStatus status, Optional<Instant> nextAttemptAt) {
    if (!DeliveryStatus.IN_FLIGHT.canBecome(status)) {
      throw new IllegalStateException("an attempt cannot move a delivery to " + status);
    }
    return jdbc.inTransaction(
        c -> {
          int updated =
              Jdbc.update(
                  c,
                  """
                  UPDATE delivery
                     SET status = ?, attempt_count = ?, next_attempt_at = ?, last_error = ?,
                         claimed_by = NULL, lease_until = NULL, updated_at = ?, manual = 0,
                         version = version + 1
                   WHERE id = ? AND status = 'in_flight' AND version = ?
                  """,
                  status.wireName(),
                  attempt.number(),
                  nextAttemptAt.map(Instant::toEpochMilli).orElse(null),
                  attempt.error().orElse(null),
                  attempt.startedAt().plus(attempt.duration()).toEpochMilli(),
                  claimed.id().value(),
                  claimed.version());
          if (updated == 0) {
            return false;
          }
          insert(c, attempt);
          return true;
        });
  }

  /** Appends one attempt row, inside the caller's transaction (recording, recovery, resolution). */
  static void insert(Connection c, Attempt a) throws SQLException {
    Jdbc.update(
        c,
        """
        INSERT INTO delivery_attempt (delivery_id, attempt_number, trigger, started_at,
                                      duration_ms, http_status, response_excerpt, error, verdict)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        a.deliveryId().value(),
        a.number(),
        a.trigger().name(),
        a.startedAt().toEpochMilli(),
        a.duration().toMillis(),
        a.httpStatus().isPresent() ? a.httpStatus().getAsInt() : null,
        a.responseExcerpt().orElse(null),
        a.error().orElse(null),
        a.verdict().name());
  }

  List<Delivery> markAbandonedInDoubt(Instant now, boolean everyClaim) {
    return jdbc.inTransaction(
        c -> {
          List<Delivery> abandoned = new ArrayList<>();
          List<Long> claimedAt = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + DeliveryRows.COLUMNS
                      + ", claimed_at FROM delivery"
                      + " WHERE status = 'in_flight' AND (? OR lease_until < ?)")) {
            p.setBoolean(1, everyClaim);
            p.setLong(2, now.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                abandoned.add(DeliveryRows.read(rs));
                claimedAt.add(rs.getLong("claimed_at"));
              }
            }
          }
          String why =
              "the process stopped while this call was in flight; it may have reached"
                  + " ReferralCandy, which does not deduplicate purchases, so it is not resent"
                  + " without an operator";
          List<Delivery> marked = new ArrayList<>();
          for (int i = 0; i < abandoned.size(); i++) {
            Delivery d = abandoned.get(i);
            // Guarded by version: when two instances notice the same expired lease, one marks it.
            int updated =
                Jdbc.update(
                    c,
                    """
                UPDATE delivery SET status = 'in_doubt', attempt_count = ?, last_error = ?,
                       claimed_by = NULL, lease_until = NULL, updated_at = ?, version = version + 1
                 WHERE id = ? AND version = ? AND status = 'in_flight'
                """,
                    d.attemptCount() + 1,
                    why,
                    now.toEpochMilli(),
                    d.id().value(),
                    d.version());
            if (updated == 0) {
              continue;
            }
            marked.add(d);
            Instant started = Instant.ofEpochMilli(claimedAt.get(i));
            Duration ran = Duration.between(started, now);
            insert(
                c,
                new Attempt(
                    d.id(),
                    d.attemptCount() + 1,
                    AttemptTrigger.RECOVERY,
                    started,
                    ran.isNegative() ? Duration.ZERO : ran,
                    OptionalInt.empty(),
                    Optional.empty(),
                    Optional.of(why),
                    Verdict.IN_DOUBT));
          }
          return marked;
        });
  }

  List<Attempt> attempts(DeliveryId id) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  """
                  SELECT attempt_number, trigger, started_at, duration_ms, http_status,
                         response_excerpt, error, verdict
                    FROM delivery_attempt WHERE delivery_id = ? ORDER BY attempt_number
                  """)) {
            p.setLong(1, id.value());
            List<Attempt> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                int status = rs.getInt("http_status");
                boolean noStatus = rs.wasNull();
                out.add(
                    new Attempt(
                        id,
                        rs.getInt("attempt_number"),
                        AttemptTrigger.valueOf(rs.getString("trigger")),
                        Instant.ofEpochMilli(rs.getLong("started_at")),
                        Duration.ofMillis(rs.getLong("duration_ms")),
                        noStatus ? OptionalInt.empty() : OptionalInt.of(status),
                        Optional.ofNullable(rs.getString("response_excerpt")),
                        Optional.ofNullable(rs.getString("error")),
                        Verdict.valueOf(rs.getString("verdict"))));
              }
            }
            return out;
          }
        });
  }
}
