package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.attempt;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store contract for claims and attempts: a due delivery is claimed once, and only its claim
 * records.
 */
interface ClaimsContract extends StoreUnderTest {
  @Test
  default void claims_only_due_deliveries_and_only_once() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    assertThat(store().claimDue(NOW.minusSeconds(1), 10, "me", NOW.plusSeconds(60))).isEmpty();
    List<Delivery> claimed = store().claimDue(NOW, 10, "me", NOW.plusSeconds(60));
    assertThat(claimed)
        .singleElement()
        .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.IN_FLIGHT));
    assertThat(store().claimDue(NOW, 10, "other", NOW.plusSeconds(60))).isEmpty();
  }

  @Test
  default void recording_a_retry_makes_the_delivery_due_again_later() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store().claimDue(NOW, 10, "me", NOW.plusSeconds(60)).get(0);
    assertThat(
            store()
                .recordAttempt(
                    d,
                    attempt(d, Verdict.RETRY, 500),
                    DeliveryStatus.PENDING,
                    Optional.of(NOW.plusSeconds(30))))
        .isTrue();
    assertThat(store().claimDue(NOW.plusSeconds(29), 10, "me", NOW.plusSeconds(90))).isEmpty();
    Delivery again = store().claimDue(NOW.plusSeconds(30), 10, "me", NOW.plusSeconds(90)).get(0);
    assertThat(again.attemptCount()).isEqualTo(1);
    assertThat(
            store()
                .recordAttempt(
                    again,
                    attempt(again, Verdict.DELIVERED, 200),
                    DeliveryStatus.DELIVERED,
                    Optional.empty()))
        .isTrue();
    assertThat(store().attempts(d.id()))
        .extracting(a -> a.httpStatus().getAsInt())
        .containsExactly(500, 200);
    assertThat(store().findDelivery(d.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  default void a_stale_claim_cannot_record() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store().claimDue(NOW, 10, "me", NOW.plusSeconds(60)).get(0);
    store().markAbandonedInDoubt(NOW.plusSeconds(61), false);
    assertThat(
            store()
                .recordAttempt(
                    d,
                    attempt(d, Verdict.DELIVERED, 200),
                    DeliveryStatus.DELIVERED,
                    Optional.empty()))
        .isFalse();
    assertThat(store().findDelivery(d.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  default void abandoned_claims_become_in_doubt_with_a_recovery_attempt() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store()
        .saveEvent(
            event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    Delivery d = store().claimDue(NOW, 1, "dead", NOW.plusSeconds(60)).get(0);

    assertThat(store().markAbandonedInDoubt(NOW.plusSeconds(10), false))
        .as("lease still running")
        .isEmpty();
    assertThat(store().markAbandonedInDoubt(NOW.plusSeconds(61), false))
        .extracting(Delivery::id)
        .containsExactly(d.id());

    Delivery after = store().findDelivery(d.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(DeliveryStatus.IN_DOUBT);
    assertThat(after.lastError().orElseThrow()).contains("not resent");
    assertThat(store().attempts(d.id()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.trigger()).isEqualTo(AttemptTrigger.RECOVERY);
              assertThat(a.verdict()).isEqualTo(Verdict.IN_DOUBT);
            });
    assertThat(store().claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660)))
        .extracting(Delivery::dedupeKey)
        .containsExactly("purchase:cs_2");
  }

  @Test
  default void every_claim_at_start_up_marks_all_in_flight_deliveries() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store().claimDue(NOW, 1, "dead", NOW.plusSeconds(60));
    assertThat(store().markAbandonedInDoubt(NOW, true)).hasSize(1);
  }

  @Test
  default void concurrent_claims_never_hand_out_a_delivery_twice() throws Exception {
    int n = 200;
    for (int i = 0; i < n; i++) {
      store()
          .saveEvent(
              event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
              purchasePlan("cs_" + i),
              NOW);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Delivery> all = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String me = "worker-" + t;
      futures.add(
          pool.submit(
              () -> {
                go.await();
                List<Delivery> got;
                do {
                  got = store().claimDue(NOW, 7, me, NOW.plusSeconds(60));
                  all.addAll(got);
                } while (!got.isEmpty());
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Set<String> keys = new HashSet<>();
    all.forEach(
        d -> assertThat(keys.add(d.dedupeKey())).as("claimed twice: %s", d.dedupeKey()).isTrue());
    assertThat(keys).hasSize(n);
  }

  @Test
  default void completing_a_lookup_replaces_the_params_of_the_claimed_delivery() {
    Plan plan =
        new Plan(
            List.of(
                PlannedDelivery.deferred(
                    "wf",
                    "purchase:cs_1",
                    RcCall.of(RcMethod.PURCHASE, Map.of("external_reference_id", "cs_1")))),
            List.of(),
            "deferred");
    store().saveEvent(event("evt_1", "checkout.session.completed", "cs_1", 100), plan, NOW);
    Delivery d = store().claimDue(NOW, 1, "me", NOW.plusSeconds(60)).get(0);
    assertThat(d.needsLookup()).isTrue();
    assertThat(
            store()
                .completeLookup(
                    d,
                    RcCall.of(
                        RcMethod.PURCHASE,
                        Map.of("external_reference_id", "cs_1", "email", "b@example.com"))))
        .isTrue();
    Delivery after = store().findDelivery(d.id()).orElseThrow();
    assertThat(after.needsLookup()).isFalse();
    assertThat(after.call().params()).containsEntry("email", "b@example.com");
    assertThat(store().eventPayload("evt_1")).contains("{\"id\":\"evt_1\"}");
  }
}
