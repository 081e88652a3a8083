package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {
  static final RcCall CALL = RcCall.of(RcMethod.PURCHASE, Map.of("external_reference_id", "cs_1"));

  private static Plan plan() {
    List<Decision> decisions =
        List.of(
            new Decision("checkout-purchase", true, "create_purchase planned as purchase:cs_1"),
            new Decision("signup", true, "sign_up_contact planned as signup:cs_1"),
            new Decision("refund", false, "filter not met: x"));
    return new Plan(
        List.of(
            PlannedDelivery.ready("checkout-purchase", "purchase:cs_1", CALL),
            PlannedDelivery.ready("signup", "signup:cs_1", CALL)),
        decisions,
        Plan.summaryOf(decisions));
  }

  @Test
  void a_key_already_planned_leaves_its_delivery_out_and_its_decision_names_the_delivery() {
    Plan recorded = plan().alreadyPlanned(Map.of("purchase:cs_1", 7L));

    assertThat(recorded.deliveries())
        .extracting(PlannedDelivery::dedupeKey)
        .containsExactly("signup:cs_1");
    assertThat(recorded.decisions())
        .containsExactly(
            new Decision(
                "checkout-purchase", true, "already planned as delivery #7 (purchase:cs_1)"),
            new Decision("signup", true, "sign_up_contact planned as signup:cs_1"),
            new Decision("refund", false, "filter not met: x"));
    assertThat(recorded.summary())
        .isEqualTo(
            "checkout-purchase: already planned as delivery #7 (purchase:cs_1)"
                + " | signup: sign_up_contact planned as signup:cs_1 | refund: filter not met: x");
  }

  @Test
  void no_key_already_planned_is_the_plan_itself() {
    Plan plan = plan();
    assertThat(plan.alreadyPlanned(Map.of("purchase:cs_other", 7L))).isSameAs(plan);
  }

  @Test
  void a_delivery_without_a_decision_gets_one() {
    Plan bare = new Plan(List.of(PlannedDelivery.ready("wf", "k", CALL)), List.of(), "custom");

    assertThat(bare.alreadyPlanned(Map.of("k", 3L)).summary())
        .isEqualTo("wf: already planned as delivery #3 (k)");
  }
}
