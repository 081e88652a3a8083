package candybridge.admin;

import candybridge.config.StripeMode;
import candybridge.delivery.CallGate;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.QueueStats;
import candybridge.delivery.Store;
import candybridge.history.EventQuery;
import candybridge.history.EventRecord;
import candybridge.history.History;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to "is it working?" for {@code GET /api/status}: the last webhook received, the
 * ReferralCandy breaker, the queue and the Stripe mode. Read fresh on every call, nothing cached.
 */
public final class AdminStatus {
  private final Store store;
  private final History history;
  private final CallGate gate;
  private final StripeMode stripeMode;
  private final Clock clock;

  public AdminStatus(
      Store store, History history, CallGate gate, StripeMode stripeMode, Clock clock) {
    this.store = store;
    this.history = history;
    this.gate = gate;
    this.stripeMode = stripeMode;
    this.clock = clock;
  }

  Map<String, Object> read() {
    Instant now = clock.instant();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("now", now.toString());
    m.put("stripe_mode", stripeMode.wireName());
    Optional<EventRecord> last =
        history.events(EventQuery.all(), Optional.empty(), 1).items().stream().findFirst();
    Map<String, Object> webhook = new LinkedHashMap<>();
    webhook.put("event_id", last.map(EventRecord::id).orElse(null));
    webhook.put("type", last.map(EventRecord::type).orElse(null));
    webhook.put("received_at", last.map(e -> e.receivedAt().toString()).orElse(null));
    webhook.put(
        "age_seconds",
        last.map(e -> Duration.between(e.receivedAt(), now).toSeconds()).orElse(null));
    m.put("last_event", webhook);

    CallGate.State state = gate.state();
    Map<String, Object> rc = new LinkedHashMap<>();
    rc.put("breaker", state.wireName());
    rc.put(
        "reachable",
        switch (state) {
          case CLOSED -> "yes";
          case HALF_OPEN -> "probing";
          case OPEN -> "no";
        });
    rc.put("opened_at", gate.openedAt().map(Instant::toString).orElse(null));
    rc.put("next_probe_at", gate.nextProbeAt().map(Instant::toString).orElse(null));
    rc.put("concurrency_limit", gate.limit());
    m.put("referralcandy", rc);

    QueueStats q = store.queueStats(now);
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("due_now", q.dueNow());
    queue.put("oldest_due_seconds", q.oldestDueAge().map(Duration::toSeconds).orElse(null));
    queue.put("pending", q.count(DeliveryStatus.PENDING));
    queue.put("in_flight", q.count(DeliveryStatus.IN_FLIGHT));
    queue.put("in_doubt", q.count(DeliveryStatus.IN_DOUBT));
    queue.put("failed", q.count(DeliveryStatus.FAILED));
    queue.put("delivered", q.count(DeliveryStatus.DELIVERED));
    m.put("queue", queue);
    return m;
  }
}
