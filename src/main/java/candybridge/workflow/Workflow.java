package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.config.StripeMode;
import candybridge.referralcandy.RcCall;
import candybridge.stripe.StripeEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The configured workflows, and what they make of an event (docs/design.md §2-3). Pure: no I/O
 * except through the {@link Lookups} given, no clock, immutable, safe to share between threads.
 *
 * <p>The {@link StripeMode} gates every workflow: an event of the other mode (a test-mode event
 * while {@code CANDYBRIDGE_STRIPE_MODE=live}) plans nothing, and each workflow of its type says
 * why. A workflow set as loaded accepts {@link StripeMode#ANY}; the composition root and the
 * commands set the configured mode with {@link #inMode}.
 */
public final class Workflow {
  /** Stored for history even when no workflow is configured for them (the brief's triggers). */
  static final List<String> ALWAYS_STORED =
      List.of(
          "checkout.session.completed",
          "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed",
          "invoice.payment_failed",
          "customer.subscription.created",
          "charge.refunded");

  private final List<WorkflowDefinition> definitions;

  /** In the brief's order, then the triggers of enabled workflows. */
  private final List<String> stored;

  private final StripeMode mode;

  private Workflow(List<WorkflowDefinition> definitions) {
    this(definitions, StripeMode.ANY);
  }

  private Workflow(List<WorkflowDefinition> definitions, StripeMode mode) {
    this.mode = requireNonNull(mode, "mode == null");
    this.definitions = List.copyOf(definitions);
    Set<String> types = new LinkedHashSet<>(ALWAYS_STORED);
    definitions.stream().filter(WorkflowDefinition::enabled).forEach(d -> types.add(d.trigger()));
    this.stored = List.copyOf(types);
  }

  /** The built-in workflows of docs/design.md §3 (what runs without a workflow file). */
  public static Workflow defaults() {
    return new Workflow(WorkflowFile.builtIn());
  }

  static Workflow of(List<WorkflowDefinition> definitions) {
    return new Workflow(definitions);
  }

  /** These workflows, letting only events of this mode plan anything. */
  public Workflow inMode(StripeMode stripeMode) {
    return new Workflow(definitions, stripeMode);
  }

  public StripeMode mode() {
    return mode;
  }

  /**
   * Why this event may plan nothing in this mode (e.g. a test-mode event in live mode); empty when
   * it may.
   */
  public Optional<String> refusal(StripeEvent event) {
    return mode.refusal(event.livemode());
  }

  /**
   * The event types the enabled workflows are triggered by, each once, in the order of the
   * workflows: what a Stripe webhook endpoint must send.
   */
  public List<String> triggers() {
    return definitions.stream()
        .filter(WorkflowDefinition::enabled)
        .map(WorkflowDefinition::trigger)
        .distinct()
        .toList();
  }

  public List<WorkflowDefinition> definitions() {
    return definitions;
  }

  public Optional<WorkflowDefinition> named(String name) {
    return definitions.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** Every event type that is stored: the brief's triggers, then those of enabled workflows. */
  public List<String> storedTypes() {
    return stored;
  }

  /** Whether events of this type are stored; others are acknowledged and dropped. */
  public boolean handles(String eventType) {
    return eventType != null && stored.contains(eventType);
  }

  /**
   * Plans the calls for one event: for every enabled workflow of its type, the filter, then the
   * dedupe key and the mapping. At ingest pass {@link Lookups#atIngest}: nothing is looked up, a
   * workflow that needs Stripe's API is planned as deferred.
   */
  public Plan plan(EventView view, Lookups lookups) {
    requireNonNull(view, "view == null");
    List<PlannedDelivery> deliveries = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    Optional<String> refused = refusal(view.event());
    for (WorkflowDefinition d : definitions) {
      if (!d.enabled() || !d.trigger().equals(view.event().type())) {
        continue;
      }
      if (refused.isPresent()) {
        decisions.add(new Decision(d.name(), false, "not planned: " + refused.get()));
        continue;
      }
      decide(d, view, lookups, deliveries, decisions);
    }
    return new Plan(deliveries, decisions, summary(view, decisions));
  }

  private static void decide(
      WorkflowDefinition d,
      EventView view,
      Lookups lookups,
      List<PlannedDelivery> deliveries,
      List<Decision> decisions) {
    Optional<String> failed = firstFailure(d, view);
    if (failed.isPresent()) {
      decisions.add(new Decision(d.name(), false, "filter not met: " + failed.get()));
      return;
    }
    DedupeKey.Result key = d.dedupeKey().render(view);
    if (key.key().isEmpty()) {
      decisions.add(
          new Decision(
              d.name(), false, "no dedupe key: field " + key.missingField() + " is missing"));
      return;
    }
    Mapper.Result mapped;
    try {
      mapped = Mapper.map(d, view, lookups);
    } catch (Lookups.UnavailableException e) {
      throw new IllegalStateException("ingest lookups never call Stripe", e);
    }
    RcCall call = new RcCall(d.action().method(), mapped.params());
    String k = key.key().get();
    switch (mapped.status()) {
      case COMPLETE -> {
        deliveries.add(PlannedDelivery.ready(d.name(), k, call));
        decisions.add(new Decision(d.name(), true, d.action().key() + " planned as " + k));
      }
      case DEFERRED -> {
        deliveries.add(PlannedDelivery.deferred(d.name(), k, call));
        decisions.add(
            new Decision(
                d.name(),
                true,
                d.action().key()
                    + " planned as "
                    + k
                    + ", completed from Stripe's API before sending"));
      }
      case BLOCKED -> {
        String reason = String.join("; ", mapped.problems()) + "; nothing was sent";
        deliveries.add(PlannedDelivery.blocked(d.name(), k, call, reason));
        decisions.add(
            new Decision(d.name(), true, d.action().key() + " " + k + " blocked: " + reason));
      }
    }
  }

  /** A deferred delivery's parameters, completed with live lookups by the delivery worker. */
  public record Completion(RcCall call, Optional<String> blockedReason) {}

  /**
   * Maps the event again for the named workflow, this time running the Stripe lookups. Throws when
   * Stripe cannot answer now (the caller retries later and sends nothing).
   */
  public Completion complete(String workflowName, EventView view, Lookups lookups)
      throws Lookups.UnavailableException {
    Optional<WorkflowDefinition> d = named(workflowName);
    if (d.isEmpty()) {
      return new Completion(
          new RcCall(candybridge.referralcandy.RcMethod.PURCHASE, new java.util.TreeMap<>()),
          Optional.of("workflow '" + workflowName + "' is no longer configured; nothing was sent"));
    }
    Mapper.Result mapped = Mapper.map(d.get(), view, lookups);
    RcCall call = new RcCall(d.get().action().method(), mapped.params());
    return switch (mapped.status()) {
      case COMPLETE -> new Completion(call, Optional.empty());
      case BLOCKED ->
          new Completion(
              call, Optional.of(String.join("; ", mapped.problems()) + "; nothing was sent"));
      case DEFERRED -> throw new IllegalStateException("live lookups never defer");
    };
  }

  /** The first condition that does not hold, described; empty when all hold. */
  static Optional<String> firstFailure(WorkflowDefinition d, EventView view) {
    for (Condition c : d.filter()) {
      Optional<String> failure = c.failure(view);
      if (failure.isPresent()) {
        return failure;
      }
    }
    return Optional.empty();
  }

  private static String summary(EventView view, List<Decision> decisions) {
    if (decisions.isEmpty()) {
      return "no workflow configured for " + view.event().type();
    }
    return Plan.summaryOf(decisions);
  }
}
