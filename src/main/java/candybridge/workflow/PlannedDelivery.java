package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.RcCall;
import java.util.Optional;

/**
 * One ReferralCandy call a workflow wants made.
 *
 * @param workflow the name of the workflow that planned it
 * @param dedupeKey business identity of the call ({@code purchase:cs_…}); the store keeps at most
 *     one delivery per key, whatever events arrive and in whatever order
 * @param call the method and the parameters known so far (all of them unless {@code needsLookup})
 * @param blockedReason present when the call must not be sent (e.g. no e-mail address): the
 *     delivery is stored as failed with this reason and nothing is sent
 * @param needsLookup true when a parameter comes from the Stripe API: the delivery worker maps the
 *     event again, with lookups, before sending
 */
public record PlannedDelivery(
    String workflow,
    String dedupeKey,
    RcCall call,
    Optional<String> blockedReason,
    boolean needsLookup) {
  public PlannedDelivery {
    requireNonNull(workflow, "workflow == null");
    requireNonNull(dedupeKey, "dedupeKey == null");
    requireNonNull(call, "call == null");
    requireNonNull(blockedReason, "blockedReason == null");
    if (needsLookup && blockedReason.isPresent()) {
      throw new IllegalArgumentException("a blocked delivery needs no lookup");
    }
  }

  public static PlannedDelivery ready(String workflow, String dedupeKey, RcCall call) {
    return new PlannedDelivery(workflow, dedupeKey, call, Optional.empty(), false);
  }

  public static PlannedDelivery blocked(
      String workflow, String dedupeKey, RcCall call, String reason) {
    return new PlannedDelivery(workflow, dedupeKey, call, Optional.of(reason), false);
  }

  public static PlannedDelivery deferred(String workflow, String dedupeKey, RcCall partial) {
    return new PlannedDelivery(workflow, dedupeKey, partial, Optional.empty(), true);
  }
}
