package candybridge.store;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.Verdict;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventId;
import candybridge.workflow.Decision;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The sales every part of the store contract saves: a Stripe event for a checkout session, its
 * purchase plan, an attempt at the delivery, all at {@link #NOW}.
 */
final class SaleFixtures {
  static final Instant NOW = Instant.parse("2026-10-01T12:00:00Z");

  private SaleFixtures() {}

  static StripeEvent event(String id, String type, String sessionId, long created) {
    try {
      var object = new ObjectMapper().readTree("{\"id\":\"" + sessionId + "\"}");
      return new StripeEvent(
          new StripeEventId(id),
          type,
          created,
          "2026-07-29.dahlia",
          false,
          "",
          object,
          "{\"id\":\"" + id + "\"}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Plan purchasePlan(String sessionId) {
    return new Plan(
        List.of(
            PlannedDelivery.ready(
                "checkout-purchase",
                "purchase:" + sessionId,
                RcCall.of(
                    RcMethod.PURCHASE,
                    Map.of("external_reference_id", sessionId, "email", "a@example.com")))),
        List.of(),
        "purchase planned for " + sessionId);
  }

  static Plan decidedPurchasePlan(String sessionId) {
    String key = "purchase:" + sessionId;
    Decision decision =
        new Decision("checkout-purchase", true, "create_purchase planned as " + key);
    return new Plan(purchasePlan(sessionId).deliveries(), List.of(decision), decision.toString());
  }

  static Attempt attempt(Delivery d, Verdict verdict, Integer status) {
    return new Attempt(
        d.id(),
        d.attemptCount() + 1,
        AttemptTrigger.SCHEDULED,
        NOW,
        Duration.ofMillis(12),
        status == null ? OptionalInt.empty() : OptionalInt.of(status),
        Optional.of("{\"message\":\"x\"}"),
        Optional.empty(),
        verdict);
  }
}
