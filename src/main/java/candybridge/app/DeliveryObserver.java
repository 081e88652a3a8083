package candybridge.app;

import candybridge.alert.Alerts;
import candybridge.alert.DeliveryAlert;
import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryListener;
import candybridge.delivery.DeliveryStatus;
import candybridge.metrics.Metrics;

/** Turns what the worker did into metrics, and failures and in-doubt calls into alerts. */
final class DeliveryObserver implements DeliveryListener {
  private final Metrics metrics;
  private final Alerts alerts;

  DeliveryObserver(Metrics metrics, Alerts alerts) {
    this.metrics = metrics;
    this.alerts = alerts;
  }

  @Override
  public void attemptRecorded(Delivery d, Attempt a, DeliveryStatus status) {
    metrics.attemptFinished(a.verdict(), a.duration());
    metrics.deliveryStatusChanged(status);
    if (status == DeliveryStatus.FAILED) {
      alerts.deliveryFailed(alert(d, status, a.error().orElse("failed"), a.number()));
    }
  }

  @Override
  public void markedInDoubt(Delivery d) {
    metrics.deliveryStatusChanged(DeliveryStatus.IN_DOUBT);
    alerts.deliveryInDoubt(alert(d, DeliveryStatus.IN_DOUBT,
        "the process stopped mid-call; resolve it as sent or resend it", d.attemptCount() + 1));
  }

  private static DeliveryAlert alert(Delivery d, DeliveryStatus status, String reason, int attempts) {
    return new DeliveryAlert(d.id().value(), d.workflow(), d.dedupeKey(), d.eventId().value(),
        status.wireName(), reason, attempts);
  }
}
