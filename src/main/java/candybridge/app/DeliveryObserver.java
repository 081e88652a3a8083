package candybridge.app;

import candybridge.alert.Alerts;
import candybridge.alert.DeliveryAlert;
import candybridge.delivery.Attempt;
import candybridge.delivery.CallGate;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryListener;
import candybridge.delivery.DeliveryStatus;
import candybridge.metrics.Metrics;
import candybridge.text.UntrustedText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what the worker did into metrics, and failures and in-doubt calls into alerts. */
final class DeliveryObserver implements DeliveryListener {
  private static final Logger log = LoggerFactory.getLogger(DeliveryObserver.class);
  private final Metrics metrics;
  private final Alerts alerts;
  private final Clock clock;

  /** When the breaker opened from closed; only the gate's (locked) listener touches it. */
  private Instant openedAt;

  DeliveryObserver(Metrics metrics, Alerts alerts, Clock clock) {
    this.metrics = metrics;
    this.alerts = alerts;
    this.clock = clock;
  }

  @Override
  public void attemptRecorded(Delivery d, Attempt a, DeliveryStatus status) {
    metrics.attemptFinished(a.verdict(), a.duration());
    metrics.deliveryStatusChanged(status);
    if (status == DeliveryStatus.FAILED) {
      alerts.deliveryFailed(alert(d, status, a.error().orElse("failed"), a.number()));
    } else if (status == DeliveryStatus.IN_DOUBT) {
      alerts.deliveryInDoubt(
          alert(d, status, a.error().orElse("may have been processed"), a.number()));
    }
  }

  @Override
  public CallGate.Listener gate() {
    return new CallGate.Listener() {
      @Override
      public void stateChanged(CallGate.State from, CallGate.State to, String why) {
        metrics.breakerChanged(to);
        log.warn(
            "ReferralCandy breaker {} -> {}: {}",
            from.wireName(),
            to.wireName(),
            UntrustedText.forLog(why));
        if (to == CallGate.State.OPEN && from == CallGate.State.CLOSED) {
          openedAt = clock.instant();
          alerts.breakerOpened(why);
        } else if (to == CallGate.State.CLOSED) {
          alerts.breakerClosed(
              Optional.ofNullable(openedAt).map(t -> Duration.between(t, clock.instant())));
          openedAt = null;
        }
      }

      @Override
      public void limitChanged(int limit) {
        metrics.concurrencyLimit(limit);
      }

      @Override
      public void probeFailed(String what, Duration next) {
        log.warn(
            "ReferralCandy breaker stays open: {}; next probe in {} s",
            UntrustedText.forLog(what),
            next.toSeconds());
      }
    };
  }

  @Override
  public void markedInDoubt(Delivery d) {
    metrics.deliveryStatusChanged(DeliveryStatus.IN_DOUBT);
    alerts.deliveryInDoubt(
        alert(
            d,
            DeliveryStatus.IN_DOUBT,
            "the process stopped mid-call; resolve it as sent or resend it",
            d.attemptCount() + 1));
  }

  private static DeliveryAlert alert(
      Delivery d, DeliveryStatus status, String reason, int attempts) {
    return new DeliveryAlert(
        d.id().value(),
        d.workflow(),
        d.dedupeKey(),
        d.eventId().value(),
        status.wireName(),
        reason,
        attempts);
  }
}
