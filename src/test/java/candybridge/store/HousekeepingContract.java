package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.QueueStats;
import candybridge.delivery.SaveResult;
import candybridge.delivery.Verdict;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store contract for housekeeping: purge, queue counts and readiness. */
interface HousekeepingContract extends StoreUnderTest {
  @Test
  default void purge_keeps_ids_and_keys_and_unfinished_work() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store()
        .saveEvent(
            event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    Delivery done = deliver("cs_1", Verdict.DELIVERED, DeliveryStatus.DELIVERED);
    PurgeResult r = store().purge(NOW.plus(Duration.ofDays(31)));
    assertThat(r.payloadsCleared()).isEqualTo(1);
    assertThat(r.attemptsDeleted()).isEqualTo(1);
    assertThat(store().eventPayload("evt_1")).isEmpty();
    assertThat(store().eventPayload("evt_2")).as("its delivery is still pending").isPresent();
    assertThat(store().findDelivery(done.id()).orElseThrow().call().params()).isEmpty();
    assertThat(
            store()
                .saveEvent(
                    event("evt_1", "checkout.session.completed", "cs_1", 100),
                    purchasePlan("cs_1"),
                    NOW))
        .isEqualTo(SaveResult.duplicate());
    assertThat(
            store()
                .saveEvent(
                    event("evt_9", "checkout.session.completed", "cs_1", 100),
                    purchasePlan("cs_1"),
                    NOW))
        .isEqualTo(SaveResult.stored(Map.of("purchase:cs_1", done.id())));
    assertThat(store().deliveriesOfEvent("evt_9")).as("dedupe key kept").isEmpty();
  }

  @Test
  default void queue_stats_count_statuses_due_work_and_its_age() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store()
        .saveEvent(
            event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    QueueStats q = store().queueStats(NOW.plusSeconds(90));
    assertThat(q.count(DeliveryStatus.FAILED)).isEqualTo(1);
    assertThat(q.count(DeliveryStatus.PENDING)).isEqualTo(1);
    assertThat(q.dueNow()).isEqualTo(1);
    assertThat(q.oldestDueAge()).contains(Duration.ofSeconds(90));
  }

  @Test
  default void reports_ready_while_the_database_answers() {
    assertThat(store().isReady()).isTrue();
  }
}
