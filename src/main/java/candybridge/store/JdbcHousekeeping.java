package candybridge.store;

import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.QueueStats;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Housekeeping over all stored tables: retention (forgetting what finished long ago) and the queue
 * counts for metrics and alerts. Answers {@code purge} and {@code queueStats} of {@link
 * candybridge.delivery.Store} for {@link JdbcStore}.
 */
final class JdbcHousekeeping {
  private final Jdbc jdbc;

  JdbcHousekeeping(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  PurgeResult purge(Instant cutoff) {
    long at = cutoff.toEpochMilli();
    return jdbc.inTransaction(
        c -> {
          int payloads =
              Jdbc.update(
                  c,
                  """
          UPDATE stripe_event SET payload = NULL, decisions = '[]'
           WHERE received_at < ? AND payload IS NOT NULL
             AND event_id NOT IN (SELECT event_id FROM delivery
                                   WHERE status IN ('pending', 'in_flight', 'in_doubt'))
          """,
                  at);
          int attempts =
              Jdbc.update(
                  c,
                  """
          DELETE FROM delivery_attempt WHERE delivery_id IN
            (SELECT id FROM delivery WHERE status IN ('delivered', 'failed') AND updated_at < ?)
          """,
                  at);
          int deliveries =
              Jdbc.update(
                  c,
                  """
          UPDATE delivery SET params = '{}', last_error = NULL
           WHERE status IN ('delivered', 'failed') AND updated_at < ? AND params <> '{}'
          """,
                  at);
          return new PurgeResult(payloads, deliveries, attempts);
        });
  }

  QueueStats queueStats(Instant now) {
    return jdbc.query(
        c -> {
          java.util.Map<DeliveryStatus, Long> byStatus =
              new java.util.EnumMap<>(DeliveryStatus.class);
          try (PreparedStatement p =
                  c.prepareStatement("SELECT status, COUNT(*) FROM delivery GROUP BY status");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              byStatus.put(DeliveryStatus.fromWireName(rs.getString(1)), rs.getLong(2));
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT COUNT(*), MIN(next_attempt_at) FROM delivery WHERE status = 'pending' AND next_attempt_at <= ?")) {
            p.setLong(1, now.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              long due = rs.getLong(1);
              long oldest = rs.getLong(2);
              Optional<Duration> age =
                  rs.wasNull()
                      ? Optional.empty()
                      : Optional.of(Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest)));
              return new QueueStats(byStatus, due, age);
            }
          }
        });
  }
}
