package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.decidedPurchasePlan;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.SaveResult;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEvent;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store contract for events: each stored once, with the deliveries its plan asks for. */
interface EventsContract extends StoreUnderTest {
  @Test
  default void saves_an_event_with_its_planned_delivery() {
    assertThat(
            store()
                .saveEvent(
                    event("evt_1", "checkout.session.completed", "cs_1", 100),
                    purchasePlan("cs_1"),
                    NOW))
        .isEqualTo(SaveResult.stored(Map.of()));
    Delivery d = store().findDeliveryByKey("purchase:cs_1").orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(d.nextAttemptAt()).contains(NOW);
    assertThat(d.call().params()).containsEntry("email", "a@example.com");
    assertThat(store().eventSummary("evt_1")).contains("purchase planned for cs_1");
    assertThat(store().deliveriesOfEvent("evt_1")).extracting(Delivery::id).containsExactly(d.id());
  }

  @Test
  default void the_same_event_id_is_stored_once() {
    StripeEvent e = event("evt_1", "checkout.session.completed", "cs_1", 100);
    assertThat(store().saveEvent(e, purchasePlan("cs_1"), NOW))
        .isEqualTo(SaveResult.stored(Map.of()));
    assertThat(store().saveEvent(e, purchasePlan("cs_1"), NOW)).isEqualTo(SaveResult.duplicate());
    assertThat(store().claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }

  @Test
  default void every_write_reports_how_long_its_commit_took_and_reads_report_none() {
    List<Duration> commits = Collections.synchronizedList(new ArrayList<>());
    store().onCommit(commits::add);
    StripeEvent e = event("evt_1", "checkout.session.completed", "cs_1", 100);
    store().saveEvent(e, purchasePlan("cs_1"), NOW);
    store().saveEvent(e, purchasePlan("cs_1"), NOW);
    store().queueStats(NOW);
    store().deliveriesOfEvent("evt_1");
    assertThat(store().claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);

    assertThat(commits).hasSize(3).allSatisfy(d -> assertThat(d.isNegative()).isFalse());
  }

  @Test
  default void a_second_event_for_the_same_sale_plans_no_second_delivery() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    assertThat(
            store()
                .saveEvent(
                    event("evt_2", "checkout.session.async_payment_succeeded", "cs_1", 200),
                    purchasePlan("cs_1"),
                    NOW)
                .isDuplicate())
        .isFalse();
    assertThat(store().deliveriesOfEvent("evt_2")).isEmpty();
    assertThat(store().claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }

  @Test
  default void a_second_event_for_the_same_sale_records_and_reports_the_delivery_already_planned() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100),
            decidedPurchasePlan("cs_1"),
            NOW);
    Delivery first = store().findDeliveryByKey("purchase:cs_1").orElseThrow();

    SaveResult second =
        store()
            .saveEvent(
                event("evt_2", "checkout.session.async_payment_succeeded", "cs_1", 200),
                decidedPurchasePlan("cs_1"),
                NOW);

    String honest =
        "checkout-purchase: already planned as delivery #" + first.id() + " (purchase:cs_1)";
    assertThat(second).isEqualTo(SaveResult.stored(Map.of("purchase:cs_1", first.id())));
    assertThat(store().eventSummary("evt_2")).contains(honest);
    assertThat(store().history().event("evt_2").orElseThrow().decisions())
        .contains("already planned as delivery #" + first.id())
        .doesNotContain("create_purchase planned");
    assertThat(store().eventSummary("evt_1"))
        .contains("checkout-purchase: create_purchase planned as purchase:cs_1");
    assertThat(store().deliveriesOfEvent("evt_2")).isEmpty();
  }

  @Test
  default void concurrent_events_for_one_sale_plan_one_delivery_and_each_names_it()
      throws Exception {
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<SaveResult>> results = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      String id = "evt_sale_" + t;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store()
                    .saveEvent(
                        event(id, "checkout.session.completed", "cs_sale", 100),
                        decidedPurchasePlan("cs_sale"),
                        NOW);
              }));
    }
    go.countDown();
    List<SaveResult> outcomes = new ArrayList<>();
    for (Future<SaveResult> f : results) {
      outcomes.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    Delivery won = store().findDeliveryByKey("purchase:cs_sale").orElseThrow();
    assertThat(store().claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
    assertThat(outcomes).filteredOn(r -> r.alreadyPlanned().isEmpty()).hasSize(1);
    assertThat(outcomes)
        .filteredOn(r -> !r.alreadyPlanned().isEmpty())
        .hasSize(n - 1)
        .allSatisfy(
            r ->
                assertThat(r.alreadyPlanned())
                    .containsExactly(Map.entry("purchase:cs_sale", won.id())));
    for (int t = 0; t < n; t++) {
      String id = "evt_sale_" + t;
      String summary = store().eventSummary(id).orElseThrow();
      if (id.equals(won.eventId().value())) {
        assertThat(summary)
            .isEqualTo("checkout-purchase: create_purchase planned as purchase:cs_sale");
      } else {
        assertThat(summary)
            .isEqualTo(
                "checkout-purchase: already planned as delivery #"
                    + won.id()
                    + " (purchase:cs_sale)");
      }
    }
  }

  @Test
  default void a_blocked_delivery_is_stored_failed_with_its_reason_and_never_claimed() {
    Plan plan =
        new Plan(
            List.of(
                PlannedDelivery.blocked(
                    "checkout-purchase",
                    "purchase:cs_9",
                    RcCall.of(RcMethod.PURCHASE, Map.of("external_reference_id", "cs_9")),
                    "no e-mail address")),
            List.of(),
            "blocked");
    store().saveEvent(event("evt_9", "checkout.session.completed", "cs_9", 100), plan, NOW);
    Delivery d = store().findDeliveryByKey("purchase:cs_9").orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError()).contains("no e-mail address");
    assertThat(store().claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660))).isEmpty();
  }

  @Test
  default void session_completed_at_is_the_created_of_the_completed_event() {
    assertThat(store().sessionCompletedAt("cs_1")).isEmpty();
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 1234),
            Plan.nothing("unpaid"),
            NOW);
    assertThat(store().sessionCompletedAt("cs_1")).hasValue(1234);
  }

  @Test
  default void concurrent_saves_of_one_event_store_it_once() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<SaveResult>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store()
                    .saveEvent(
                        event("evt_race", "checkout.session.completed", "cs_race", 100),
                        purchasePlan("cs_race"),
                        NOW);
              }));
    }
    go.countDown();
    List<SaveResult> outcomes = new ArrayList<>();
    for (Future<SaveResult> f : results) {
      outcomes.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertThat(outcomes).filteredOn(r -> !r.isDuplicate()).hasSize(1);
    assertThat(store().claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }
}
