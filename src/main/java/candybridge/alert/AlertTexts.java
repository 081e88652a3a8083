package candybridge.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What each alert says: its JSON body (the format in {@link Alerts}), its one line for chat
 * messages and mail subjects, and the admin page link. Built from scrubbed values only; when an
 * alert goes out is {@link Alerts}' business.
 */
final class AlertTexts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final Optional<URI> adminPage;

  AlertTexts(Clock clock, Optional<URI> adminPage) {
    this.clock = clock;
    this.adminPage = adminPage;
  }

  /**
   * One alert: {@code label} names it in the senders' logs, {@code line} is the one-liner, {@code
   * link} the admin page showing it.
   */
  record Message(String label, ObjectNode body, String line, Optional<String> link) {
    /**
     * Adds the one-liner ({@code text}: "Candybridge: " + {@code line} + the link) and the link to
     * the body, and renders it for the channels: the JSON, a mail subject and a mail text.
     */
    AlertSender.Outgoing outgoing() {
      String oneLine = "Candybridge: " + line.replaceAll("\\s+", " ").strip();
      link.ifPresent(l -> body.put("link", l));
      body.put("text", slackEscaped(oneLine) + link.map(l -> " " + l).orElse(""));
      String subject = oneLine.length() <= 150 ? oneLine : oneLine.substring(0, 149) + "…";
      String text =
          oneLine
              + "\n\n"
              + body.path("detail").asText()
              + "\n\n"
              + link.map(l -> "In the admin page: " + l + "\n\n").orElse("")
              + body.toPrettyString()
              + "\n";
      return new AlertSender.Outgoing(label, body.toString(), subject, text);
    }
  }

  /** One delivery failed for good, the first of its minute. */
  Message failed(DeliveryAlert d) {
    ObjectNode body = delivery(envelope("delivery_failed"), d);
    body.put("count", 1);
    body.put(
        "detail",
        "Delivery "
            + d.deliveryId()
            + " failed after "
            + d.attempts()
            + " attempt(s); retrying"
            + " cannot help, so it needs an operator: fix the cause, then replay it.");
    return new Message(
        "delivery_failed delivery=" + d.deliveryId(),
        body,
        "delivery "
            + d.deliveryId()
            + " ("
            + d.workflow()
            + ") failed after "
            + d.attempts()
            + " attempt(s): "
            + d.reason(),
        link(d.deliveryId()));
  }

  /** The failures counted since the last {@code delivery_failed} alert. */
  Message failedSummary(Burst b) {
    DeliveryAlert d = b.first();
    String deliveries = b.count() + " more deliver" + (b.count() == 1 ? "y" : "ies");
    ObjectNode body = counted(delivery(envelope("delivery_failed"), d), b);
    body.put(
        "detail",
        deliveries
            + " failed "
            + b.window()
            + " (first: delivery "
            + d.deliveryId()
            + ", "
            + d.reason()
            + "). Each needs an operator: candybridge deliveries list --status failed lists them;"
            + " fix the cause, then candybridge replay --status failed.");
    return new Message(
        "delivery_failed count=" + b.count(),
        body,
        deliveries
            + " failed "
            + b.window()
            + " (first: delivery "
            + d.deliveryId()
            + ": "
            + d.reason()
            + ")",
        link(d.deliveryId()));
  }

  /** A burst of deliveries that went in doubt together. */
  Message inDoubt(Burst b) {
    DeliveryAlert d = b.first();
    String deliveries = b.count() + " deliver" + (b.count() == 1 ? "y" : "ies");
    ObjectNode body = counted(delivery(envelope("delivery_in_doubt"), d), b);
    body.put(
        "detail",
        deliveries
            + " went in doubt "
            + b.window()
            + ": ReferralCandy may or may not have them (first: delivery "
            + d.deliveryId()
            + ", "
            + d.reason()
            + "). They are not resent. Check ReferralCandy for these sales, then: candybridge resolve"
            + " --status in_doubt --as sent|resend (deliveries list --status in_doubt lists them)");
    return new Message(
        "delivery_in_doubt count=" + b.count(),
        body,
        deliveries
            + " went in doubt "
            + b.window()
            + " (first: delivery "
            + d.deliveryId()
            + "): check ReferralCandy for them, then resolve them",
        link(d.deliveryId()));
  }

  /** The breaker opened; {@code scrubbed} is why, e-mail addresses removed. */
  Message unavailable(String scrubbed) {
    ObjectNode body = envelope("referralcandy_unavailable");
    body.put("reason", scrubbed);
    body.put(
        "detail",
        "ReferralCandy is not answering normally ("
            + scrubbed
            + "). Candybridge stopped"
            + " starting calls and probes verify.json until it answers; webhooks are still stored.");
    return new Message(
        "referralcandy_unavailable",
        body,
        "ReferralCandy is not answering normally ("
            + scrubbed
            + "): calls paused, webhooks still stored",
        Optional.empty());
  }

  /** The breaker closed again, after {@code openFor} when known. */
  Message recovered(Optional<Duration> openFor) {
    ObjectNode body = envelope("referralcandy_recovered");
    openFor.ifPresent(d -> body.put("unavailable_seconds", d.toSeconds()));
    String after = openFor.map(d -> " after " + d.toSeconds() + " s").orElse("");
    body.put("detail", "ReferralCandy answers again" + after + "; deliveries resume.");
    return new Message(
        "referralcandy_recovered",
        body,
        "ReferralCandy answers again" + after + ": deliveries resume",
        Optional.empty());
  }

  /** The oldest due delivery has waited {@code age}, at least {@code threshold}. */
  Message backlog(Duration age, Duration threshold) {
    ObjectNode body = envelope("backlog_old");
    body.put("oldest_due_age_seconds", age.toSeconds());
    body.put("threshold_seconds", threshold.toSeconds());
    body.put(
        "detail",
        "The oldest due delivery has waited "
            + minutes(age)
            + ", over the "
            + minutes(threshold)
            + " threshold: the delivery worker is stopped or behind.");
    return new Message(
        "backlog_old",
        body,
        "the oldest due delivery has waited "
            + minutes(age)
            + " (over "
            + minutes(threshold)
            + "): the delivery worker is stopped or behind",
        adminPage.map(URI::toString));
  }

  private static ObjectNode delivery(ObjectNode body, DeliveryAlert d) {
    ObjectNode delivery = body.putObject("delivery");
    delivery.put("id", d.deliveryId());
    delivery.put("workflow", d.workflow());
    delivery.put("dedupe_key", d.dedupeKey());
    delivery.put("event_id", d.eventId());
    delivery.put("status", d.status());
    delivery.put("reason", d.reason());
    delivery.put("attempts", d.attempts());
    return body;
  }

  private static ObjectNode counted(ObjectNode body, Burst b) {
    body.put("count", b.count());
    body.put("from", b.from().toString());
    body.put("to", b.to().toString());
    return body;
  }

  private ObjectNode envelope(String kind) {
    ObjectNode body = JSON.createObjectNode();
    body.put("alert", kind);
    body.put("at", clock.instant().toString());
    return body;
  }

  /** Slack's incoming webhooks read {@code & < >} as markup: they must be sent as entities. */
  private static String slackEscaped(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * The admin page showing this delivery ({@code …/admin#delivery-12}), when its address is known.
   */
  private Optional<String> link(long deliveryId) {
    return adminPage.map(p -> p + "#delivery-" + deliveryId);
  }

  private static String minutes(Duration d) {
    return d.toMinutes() + " min";
  }
}
