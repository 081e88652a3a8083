package candybridge.delivery;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.ReferralCandy;
import candybridge.text.UntrustedText;
import candybridge.workflow.Action;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a claimed delivery, in two steps the worker keeps apart so that the call's outcome
 * reaches the gate even when recording it fails: {@link #send} completes the parameters, checks
 * them and only then calls ReferralCandy; {@link #record} appends the attempt and moves the
 * delivery where {@link NextStep} says.
 */
final class DeliveryAttempt {
  // The worker's logger: these lines were always the worker's, and log settings name it.
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  private final Store store;
  private final ReferralCandy referralCandy;
  private final Enrichment enrichment;
  private final DeliveryListener listener;
  private final Clock clock;
  private final NextStep nextStep;

  DeliveryAttempt(
      Store store,
      ReferralCandy referralCandy,
      Enrichment enrichment,
      DeliveryListener listener,
      Clock clock,
      NextStep nextStep) {
    this.store = store;
    this.referralCandy = referralCandy;
    this.enrichment = enrichment;
    this.listener = listener;
    this.clock = clock;
    this.nextStep = nextStep;
  }

  /**
   * Records the attempt and moves the delivery where its outcome leaves it; a lost claim changes
   * nothing. Throws when the store fails.
   */
  void record(Delivery d, Instant started, Duration took, AttemptOutcome outcome) {
    int number = d.attemptCount() + 1;
    NextStep.Transition next = nextStep.after(d, outcome, number);
    Attempt attempt =
        new Attempt(
            d.id(),
            number,
            d.manual() ? AttemptTrigger.MANUAL : AttemptTrigger.SCHEDULED,
            started,
            took,
            outcome.httpStatus(),
            outcome.responseExcerpt(),
            next.error(),
            outcome.verdict());
    if (!store.recordAttempt(d, attempt, next.status(), next.at())) {
      log.warn(
          "delivery={} key={}: claim was lost before the outcome ({}) could be recorded",
          d.id(),
          UntrustedText.forLog(d.dedupeKey()),
          next.status());
      return;
    }
    if (next.status() == DeliveryStatus.IN_DOUBT) {
      log.warn(
          "delivery={} key={} attempt={} is in doubt, held for an operator: {}",
          d.id(),
          UntrustedText.forLog(d.dedupeKey()),
          number,
          UntrustedText.forLog(next.error().orElse("?")));
    }
    listener.attemptRecorded(d, attempt, next.status());
    log.info(
        "delivery={} key={} attempt={} http={} -> {}{}",
        d.id(),
        UntrustedText.forLog(d.dedupeKey()),
        number,
        outcome.httpStatus().isPresent() ? outcome.httpStatus().getAsInt() : "-",
        next.status().wireName(),
        next.at().map(t -> " at " + t).orElse(""));
  }

  /** Completes the parameters if needed, checks them, and only then calls ReferralCandy. */
  AttemptOutcome send(Delivery d) {
    Enrichment.Prepared prepared = enrichment.prepare(d);
    if (prepared.instead().isPresent()) {
      return prepared.instead().get();
    }
    RcCall call = prepared.call().orElseThrow();
    List<String> missing =
        Action.of(call.method()).required().stream()
            .filter(p -> !call.params().containsKey(p))
            .toList();
    if (!missing.isEmpty()) {
      return AttemptOutcome.noCall(
          Verdict.FAIL,
          "required parameter(s) "
              + String.join(", ", missing)
              + " missing for "
              + call.method().path()
              + "; nothing was sent");
    }
    Instant sentAt = clock.instant();
    long t0 = System.nanoTime();
    try {
      return AttemptOutcome.of(referralCandy.send(call), sentAt);
    } catch (IOException e) {
      return AttemptOutcome.of(e, sentAt, Duration.ofNanos(System.nanoTime() - t0));
    }
  }
}
