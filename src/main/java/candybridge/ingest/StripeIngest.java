package candybridge.ingest;

import candybridge.delivery.SaveResult;
import candybridge.delivery.Store;
import candybridge.stripe.StripeEvent;
import candybridge.text.UntrustedText;
import candybridge.workflow.EventView;
import candybridge.workflow.Lookups;
import candybridge.workflow.Plan;
import candybridge.workflow.Workflow;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one idempotent way an event enters the system, whether it came by webhook or (later) by
 * backfill: plan it with the workflows, then store event and plan in one transaction. An event that
 * the workflows' {@link candybridge.config.StripeMode} refuses is stored with no delivery and
 * answered IGNORED with the reason.
 */
public final class StripeIngest {
  private static final Logger log = LoggerFactory.getLogger(StripeIngest.class);

  /** What happened to an event. */
  public enum Status {
    STORED,
    DUPLICATE,
    IGNORED
  }

  /** The outcome and a one-line, e-mail-free reason. */
  public record Result(Status status, String summary) {}

  private final Workflow workflow;
  private final Lookups lookups;
  private final Store store;
  private final Clock clock;
  private final Runnable onStored;

  /**
   * @param stripeApiConfigured whether workflows may plan Stripe API lookups (done later, by the
   *     delivery worker, never here)
   * @param onStored called after each newly stored event (wakes the delivery worker)
   */
  public StripeIngest(
      Workflow workflow, boolean stripeApiConfigured, Store store, Clock clock, Runnable onStored) {
    this.workflow = workflow;
    this.lookups = Lookups.atIngest(stripeApiConfigured);
    this.store = store;
    this.clock = clock;
    this.onStored = onStored;
  }

  /** Durable when it returns STORED or DUPLICATE; throws StoreException when the store fails. */
  public Result ingest(StripeEvent event) {
    // For the JSON log format (CANDYBRIDGE_LOG_FORMAT=json): each line of this ingest names it.
    try (MDC.MDCCloseable id = MDC.putCloseable("event_id", event.id().value())) {
      return ingestLogged(event);
    }
  }

  private Result ingestLogged(StripeEvent event) {
    if (!workflow.handles(event.type())) {
      log.debug("event={} type={} ignored", event.id(), event.type());
      return new Result(Status.IGNORED, "event type " + event.type() + " is not handled");
    }
    Plan plan =
        workflow.plan(
            new EventView(event, () -> store.sessionCompletedAt(event.objectId())), lookups);
    SaveResult saved = store.saveEvent(event, plan, clock.instant());
    Optional<String> refused = workflow.refusal(event);
    if (refused.isPresent()) {
      // Stored (with each workflow's "not planned: …" decision) so that history shows it; nothing
      // may reach ReferralCandy, which has no test mode.
      log.info("event={} type={} ignored: {}", event.id(), event.type(), refused.get());
      return new Result(Status.IGNORED, refused.get() + "; stored, nothing planned");
    }
    if (saved.isDuplicate()) {
      log.info("event={} type={} duplicate", event.id(), event.type());
      return new Result(Status.DUPLICATE, "event " + event.id() + " was already received");
    }
    // As the store recorded it: a sale already planned by another event says by which delivery.
    String summary = plan.alreadyPlanned(saved.alreadyPlannedIds()).summary();
    log.info(
        "event={} type={} stored: {}", event.id(), event.type(), UntrustedText.forLog(summary));
    onStored.run();
    return new Result(Status.STORED, summary);
  }
}
