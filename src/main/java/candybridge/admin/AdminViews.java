package candybridge.admin;

import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.history.EventRecord;
import candybridge.history.HourlyCount;
import candybridge.workflow.DryRun;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the admin API, as plain maps and lists (ISO-8601 times, null for absent).
 * Nothing here carries a secret: none is ever stored with a delivery.
 */
final class AdminViews {
  private AdminViews() {}

  static Map<String, Object> delivery(Delivery d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id().value());
    m.put("status", d.status().wireName());
    m.put("workflow", d.workflow());
    m.put("dedupe_key", d.dedupeKey());
    m.put("event_id", d.eventId().value());
    m.put("method", d.call().method().path());
    // The columns a merchant reads first, from the planned call (absent for a call without them).
    Map<String, String> params = d.call().params();
    m.put("email", params.getOrDefault("email", params.get("customer_email")));
    m.put("amount", params.get("invoice_amount"));
    m.put("currency", params.get("currency_code"));
    m.put("attempts", d.attemptCount());
    m.put("next_attempt_at", d.nextAttemptAt().map(Instant::toString).orElse(null));
    m.put("last_error", d.lastError().orElse(null));
    m.put("needs_lookup", d.needsLookup());
    m.put("created_at", d.createdAt().toString());
    m.put("updated_at", d.updatedAt().toString());
    return m;
  }

  static Map<String, Object> deliveryDetail(Delivery d, List<Attempt> attempts) {
    Map<String, Object> m = delivery(d);
    m.put("params", d.call().params());
    m.put("attempt_history", attempts.stream().map(AdminViews::attempt).toList());
    return m;
  }

  static Map<String, Object> attempt(Attempt a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", a.number());
    m.put("trigger", a.trigger().name().toLowerCase(java.util.Locale.ROOT));
    m.put("started_at", a.startedAt().toString());
    m.put("duration_ms", a.duration().toMillis());
    m.put("http_status", a.httpStatus().isPresent() ? a.httpStatus().getAsInt() : null);
    m.put("response_excerpt", a.responseExcerpt().orElse(null));
    m.put("error", a.error().orElse(null));
    m.put("verdict", a.verdict().wireName());
    m.put("outcome_class", a.verdict().outcomeClass());
    return m;
  }

  static Map<String, Object> event(EventRecord e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("type", e.type());
    m.put("object_id", e.objectId());
    m.put("created", e.createdSeconds());
    m.put("received_at", e.receivedAt().toString());
    m.put("summary", e.summary());
    return m;
  }

  static Map<String, Object> hourly(HourlyCount h) {
    return Map.of("hour", h.hour().toString(), "status", h.status().wireName(), "count", h.count());
  }

  static Map<String, Object> dryRun(DryRun.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflow", e.workflow());
    m.put("matched", e.matched());
    m.put("reason", e.reason());
    m.put("dedupe_key", e.dedupeKey().orElse(null));
    m.put("method", e.call().map(c -> c.method().path()).orElse(null));
    m.put("params", e.call().map(c -> (Object) c.params()).orElse(null));
    m.put("blocked", e.blockedReason().orElse(null));
    m.put("needs_lookup", e.needsLookup());
    return m;
  }
}
