package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.RcCall;
import java.util.Optional;

/**
 * One ReferralCandy call a workflow wants made.
 *
 * @param dedupeKey business identity of the call ({@code purchase:cs_…}); the store keeps at most
 *     one delivery per key, whatever events arrive and in whatever order
 * @param call the method and the exact parameters to send
 * @param blockedReason present when the call must not be sent (e.g. no e-mail address): the
 *     delivery is stored as failed with this reason and nothing is sent
 */
public record PlannedDelivery(String dedupeKey, RcCall call, Optional<String> blockedReason) {
  public PlannedDelivery {
    requireNonNull(dedupeKey, "dedupeKey == null");
    requireNonNull(call, "call == null");
    requireNonNull(blockedReason, "blockedReason == null");
  }

  public static PlannedDelivery ready(String dedupeKey, RcCall call) {
    return new PlannedDelivery(dedupeKey, call, Optional.empty());
  }

  public static PlannedDelivery blocked(String dedupeKey, RcCall call, String reason) {
    return new PlannedDelivery(dedupeKey, call, Optional.of(reason));
  }
}
