package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.RcCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "Try it": what every configured workflow would do with one event, without storing or sending
 * anything. The CLI and the admin API both call this; they only render it.
 */
public final class DryRun {
  /** One workflow's verdict on the event. */
  public record Entry(
      String workflow,
      boolean matched,
      String reason,
      Optional<String> dedupeKey,
      Optional<RcCall> call,
      Optional<String> blockedReason,
      boolean needsLookup) {
    public Entry {
      requireNonNull(workflow, "workflow == null");
      requireNonNull(reason, "reason == null");
      requireNonNull(dedupeKey, "dedupeKey == null");
      requireNonNull(call, "call == null");
      requireNonNull(blockedReason, "blockedReason == null");
    }
  }

  private DryRun() {}

  /**
   * Evaluates every workflow, disabled ones and other triggers included (they say why they do not
   * match); in a {@link Workflow#mode} that refuses the event, each says so. With live lookups,
   * Stripe's API is read (GET only); with {@link Lookups#atIngest} the entries that need it say so.
   */
  public static List<Entry> of(Workflow workflow, EventView view, Lookups lookups)
      throws Lookups.UnavailableException {
    return of(workflow, view, lookups, false);
  }

  /**
   * The same; with {@code includeDisabled}, a disabled workflow is evaluated as if it were enabled
   * (what it would do once turned on) instead of answering "disabled".
   */
  public static List<Entry> of(
      Workflow workflow, EventView view, Lookups lookups, boolean includeDisabled)
      throws Lookups.UnavailableException {
    List<Entry> out = new ArrayList<>();
    Optional<String> refused = workflow.refusal(view.event());
    for (WorkflowDefinition d : workflow.definitions()) {
      out.add(entry(d, view, lookups, refused, includeDisabled));
    }
    return out;
  }

  private static Entry entry(
      WorkflowDefinition d,
      EventView view,
      Lookups lookups,
      Optional<String> refused,
      boolean includeDisabled)
      throws Lookups.UnavailableException {
    String type = view.event().type();
    if (!d.trigger().equals(type)) {
      return notMatched(d, "trigger is " + d.trigger() + ", not " + type);
    }
    if (!d.enabled() && !includeDisabled) {
      return notMatched(d, "disabled (enabled: false)");
    }
    if (refused.isPresent()) {
      return notMatched(d, "not planned: " + refused.get());
    }
    Optional<String> failed = Workflow.firstFailure(d, view);
    if (failed.isPresent()) {
      return notMatched(d, "filter not met: " + failed.get());
    }
    DedupeKey.Result key = d.dedupeKey().render(view);
    if (key.key().isEmpty()) {
      return notMatched(d, "no dedupe key: field " + key.missingField() + " is missing");
    }
    Mapper.Result mapped = Mapper.map(d, view, lookups);
    RcCall call = new RcCall(d.action().method(), mapped.params());
    Optional<String> blocked =
        mapped.status() == Mapper.Status.BLOCKED
            ? Optional.of(String.join("; ", mapped.problems()))
            : Optional.empty();
    return new Entry(
        d.name(),
        true,
        d.action().key(),
        key.key(),
        Optional.of(call),
        blocked,
        mapped.status() == Mapper.Status.DEFERRED);
  }

  private static Entry notMatched(WorkflowDefinition d, String reason) {
    return new Entry(
        d.name(), false, reason, Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
