package candybridge.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.referralcandy.RcCall;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.workflow.EventView;
import candybridge.workflow.Lookups;
import candybridge.workflow.Workflow;
import java.util.Optional;

/**
 * Completes a delivery whose workflow reads Stripe's API (a Customer's e-mail, a promotion code)
 * just before it is sent: maps the stored event again with live lookups. When Stripe cannot answer
 * the delivery waits and retries; it is never sent with a value missing or guessed.
 */
public final class Enrichment {
  /** Either the call to send, or the outcome that stands in for the attempt (nothing sent). */
  record Prepared(Optional<RcCall> call, Optional<AttemptOutcome> instead) {
    static Prepared send(RcCall call) {
      return new Prepared(Optional.of(call), Optional.empty());
    }

    static Prepared not(Verdict verdict, String why) {
      return new Prepared(Optional.empty(), Optional.of(AttemptOutcome.noCall(verdict, why)));
    }
  }

  private final Store store;
  private final Workflow workflow;
  private final Lookups lookups;
  private final StripeEventParser parser = new StripeEventParser();

  public Enrichment(Store store, Workflow workflow, Lookups lookups) {
    this.store = store;
    this.workflow = workflow;
    this.lookups = lookups;
  }

  Prepared prepare(Delivery d) {
    if (!d.needsLookup()) {
      return Prepared.send(d.call());
    }
    Optional<String> payload = store.eventPayload(d.eventId().value());
    if (payload.isEmpty()) {
      return Prepared.not(
          Verdict.FAIL,
          "the event "
              + d.eventId()
              + " is no longer stored, so its Stripe lookups cannot be done; nothing was sent");
    }
    StripeEvent event;
    try {
      event = parser.parse(payload.get().getBytes(UTF_8));
    } catch (InvalidEventException e) {
      throw new IllegalStateException("a stored event no longer parses: " + d.eventId(), e);
    }
    Workflow.Completion completion;
    try {
      completion =
          workflow.complete(
              d.workflow(),
              new EventView(event, () -> store.sessionCompletedAt(event.objectId())),
              lookups);
    } catch (Lookups.UnavailableException e) {
      return Prepared.not(
          Verdict.RETRY, "waiting for Stripe: " + e.getMessage() + "; nothing was sent");
    }
    if (completion.blockedReason().isPresent()) {
      return Prepared.not(Verdict.FAIL, completion.blockedReason().get());
    }
    if (!store.completeLookup(d, completion.call())) {
      return Prepared.not(Verdict.RETRY, "claim lost while completing lookups");
    }
    return Prepared.send(completion.call());
  }
}
