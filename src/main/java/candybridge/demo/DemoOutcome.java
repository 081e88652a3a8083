package candybridge.demo;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What happened to one sample event, as the service reports it: the webhook's answer, then the fate
 * of the sale (sent, waiting, skipped, duplicate…) with the reason, and, when a purchase was sent,
 * the calls the demo ReferralCandy received for that session.
 */
public record DemoOutcome(
    int number,
    String label,
    String eventType,
    String eventId,
    String webhookAnswer,
    Kind kind,
    String detail,
    List<DemoReferralCandy.Received> calls) {

  /** The fate of a sample, as printed in the table's outcome column. */
  public enum Kind {
    SENT,
    WAITING,
    SKIPPED,
    DUPLICATE,
    PENDING,
    FAILED,
    REJECTED;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public DemoOutcome {
    requireNonNull(label, "label == null");
    requireNonNull(kind, "kind == null");
    requireNonNull(detail, "detail == null");
    calls = List.copyOf(calls);
  }
}
