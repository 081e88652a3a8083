package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import candybridge.delivery.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store contract for the operator's replay and resolution, one delivery or every match. */
interface ReplayContract extends StoreUnderTest {
  @Test
  default void replay_makes_a_finished_delivery_due_as_manual_and_refuses_unfinished_ones() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery pending = store().findDeliveryByKey("purchase:cs_1").orElseThrow();
    assertThat(store().replay(pending.id(), NOW)).as("pending").isEmpty();
    Delivery failed = deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    Delivery replayed = store().replay(failed.id(), NOW.plusSeconds(5)).orElseThrow();
    assertThat(replayed.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(replayed.manual()).isTrue();
    assertThat(store().claimDue(NOW.plusSeconds(5), 10, "me", NOW.plusSeconds(65)))
        .extracting(Delivery::id)
        .containsExactly(failed.id());
    assertThat(store().replay(new candybridge.delivery.DeliveryId(999_999), NOW)).isEmpty();
  }

  @Test
  default void bulk_replay_takes_only_the_statuses_asked_for() {
    for (int i = 1; i <= 3; i++) {
      store()
          .saveEvent(
              event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
              purchasePlan("cs_" + i),
              NOW);
    }
    deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    deliver("cs_2", Verdict.DELIVERED, DeliveryStatus.DELIVERED);
    int n =
        store()
            .replayMatching(
                candybridge.delivery.DeliveryQuery.all()
                    .withStatuses(java.util.Set.of(DeliveryStatus.FAILED)),
                NOW);
    assertThat(n).isEqualTo(1);
    assertThat(store().findDeliveryByKey("purchase:cs_1").orElseThrow().status())
        .isEqualTo(DeliveryStatus.PENDING);
    assertThat(store().findDeliveryByKey("purchase:cs_2").orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  default void resolve_as_sent_only_settles_in_doubt_deliveries() {
    store()
        .saveEvent(
            event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store().claimDue(NOW, 1, "dead", NOW.plusSeconds(60)).get(0);
    assertThat(store().resolveAsSent(d.id(), NOW)).as("in flight, not in doubt").isEmpty();
    store().markAbandonedInDoubt(NOW, true);
    assertThat(store().resolveAsSent(d.id(), NOW.plusSeconds(1)).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(store().attempts(d.id()))
        .extracting(Attempt::trigger)
        .containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
  }

  /** Saves sales cs_{from}..cs_{to}, {@code at} the given time, and leaves them in doubt. */
  private void inDoubt(int from, int to, Instant at) {
    for (int i = from; i <= to; i++) {
      store()
          .saveEvent(
              event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
              purchasePlan("cs_" + i),
              at);
    }
    store().claimDue(at, 100, "dead", at.plusSeconds(60));
    store().markAbandonedInDoubt(at, true);
  }

  private DeliveryStatus statusOf(String session) {
    return store().findDeliveryByKey("purchase:" + session).orElseThrow().status();
  }

  DeliveryQuery IN_DOUBT = DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.IN_DOUBT));

  @Test
  default void bulk_resolve_as_sent_settles_every_in_doubt_match_like_a_single_resolve() {
    store()
        .saveEvent(
            event("evt_0", "checkout.session.completed", "cs_0", 100), purchasePlan("cs_0"), NOW);
    deliver("cs_0", Verdict.FAIL, DeliveryStatus.FAILED);
    inDoubt(1, 3, NOW);

    assertThat(store().resolveMatching(IN_DOUBT, Replay.Resolution.SENT, NOW.plusSeconds(5)))
        .isEqualTo(3);

    for (String s : List.of("cs_1", "cs_2", "cs_3")) {
      Delivery d = store().findDeliveryByKey("purchase:" + s).orElseThrow();
      assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
      assertThat(d.lastError()).isEmpty();
      assertThat(store().attempts(d.id()))
          .extracting(Attempt::trigger)
          .containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
    }
    assertThat(statusOf("cs_0"))
        .as("failed, not in doubt: untouched")
        .isEqualTo(DeliveryStatus.FAILED);
    assertThat(store().claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660)))
        .as("nothing to send")
        .isEmpty();
    assertThat(store().resolveMatching(IN_DOUBT, Replay.Resolution.SENT, NOW.plusSeconds(6)))
        .as("again")
        .isZero();
  }

  @Test
  default void bulk_resend_makes_every_in_doubt_match_due_now_as_a_manual_attempt() {
    store()
        .saveEvent(
            event("evt_0", "checkout.session.completed", "cs_0", 100), purchasePlan("cs_0"), NOW);
    deliver("cs_0", Verdict.FAIL, DeliveryStatus.FAILED);
    inDoubt(1, 2, NOW);

    assertThat(
            store()
                .resolveMatching(DeliveryQuery.all(), Replay.Resolution.RESEND, NOW.plusSeconds(5)))
        .as("no status given means in doubt")
        .isEqualTo(2);

    for (String s : List.of("cs_1", "cs_2")) {
      Delivery d = store().findDeliveryByKey("purchase:" + s).orElseThrow();
      assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(d.manual()).isTrue();
      assertThat(d.nextAttemptAt()).contains(NOW.plusSeconds(5));
    }
    assertThat(statusOf("cs_0")).isEqualTo(DeliveryStatus.FAILED);
    assertThat(store().claimDue(NOW.plusSeconds(5), 10, "me", NOW.plusSeconds(65)))
        .extracting(Delivery::dedupeKey)
        .containsExactlyInAnyOrder("purchase:cs_1", "purchase:cs_2");
    assertThat(store().resolveMatching(IN_DOUBT, Replay.Resolution.RESEND, NOW.plusSeconds(6)))
        .as("in flight now, no longer in doubt")
        .isZero();
  }

  @Test
  default void counting_the_matches_changes_nothing_and_other_statuses_are_refused() {
    inDoubt(1, 2, NOW);
    assertThat(store().count(IN_DOUBT)).isEqualTo(2);
    assertThat(store().count(IN_DOUBT)).isEqualTo(2);
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
    assertThat(store().count(DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.PENDING))))
        .isZero();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                store()
                    .resolveMatching(
                        DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.FAILED)),
                        Replay.Resolution.RESEND,
                        NOW));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                store()
                    .resolveMatching(
                        DeliveryQuery.all()
                            .withStatuses(Set.of(DeliveryStatus.FAILED, DeliveryStatus.IN_DOUBT)),
                        Replay.Resolution.SENT,
                        NOW));
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  default void bulk_resolve_takes_only_what_the_filters_match() {
    inDoubt(1, 2, NOW);
    inDoubt(3, 4, NOW.plus(Duration.ofHours(2)));
    DeliveryQuery later =
        new DeliveryQuery(
            Set.of(DeliveryStatus.IN_DOUBT),
            Optional.empty(),
            Optional.empty(),
            Optional.of(NOW.plus(Duration.ofHours(1))),
            Optional.empty(),
            Optional.empty());
    DeliveryQuery earlier =
        new DeliveryQuery(
            Set.of(DeliveryStatus.IN_DOUBT),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(NOW.plus(Duration.ofHours(1))),
            Optional.empty());
    DeliveryQuery one =
        new DeliveryQuery(
            Set.of(DeliveryStatus.IN_DOUBT),
            Optional.of("checkout.session.completed"),
            Optional.of("checkout-purchase"),
            Optional.empty(),
            Optional.empty(),
            Optional.of("cs_2"));
    DeliveryQuery otherWorkflow =
        new DeliveryQuery(
            Set.of(),
            Optional.empty(),
            Optional.of("nope"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    assertThat(store().count(later)).isEqualTo(2);
    assertThat(store().count(earlier)).isEqualTo(2);

    assertThat(
            store()
                .resolveMatching(
                    otherWorkflow, Replay.Resolution.SENT, NOW.plus(Duration.ofHours(3))))
        .isZero();
    assertThat(
            store().resolveMatching(later, Replay.Resolution.SENT, NOW.plus(Duration.ofHours(3))))
        .isEqualTo(2);
    assertThat(statusOf("cs_3")).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(statusOf("cs_4")).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(
            store().resolveMatching(one, Replay.Resolution.RESEND, NOW.plus(Duration.ofHours(3))))
        .isEqualTo(1);
    assertThat(statusOf("cs_2")).isEqualTo(DeliveryStatus.PENDING);
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  default void concurrent_bulk_resolves_settle_each_delivery_once() throws Exception {
    int n = 40;
    inDoubt(1, n, NOW);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Replay.Resolution how = t % 2 == 0 ? Replay.Resolution.SENT : Replay.Resolution.RESEND;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store().resolveMatching(IN_DOUBT, how, NOW.plusSeconds(5));
              }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).as("each in-doubt delivery resolved by exactly one caller").isEqualTo(n);
    int resent = store().claimDue(NOW.plusSeconds(5), 1000, "me", NOW.plusSeconds(65)).size();
    int settled = 0;
    for (int i = 1; i <= n; i++) {
      Delivery d = store().findDeliveryByKey("purchase:cs_" + i).orElseThrow();
      List<AttemptTrigger> triggers =
          store().attempts(d.id()).stream().map(Attempt::trigger).toList();
      if (d.status() == DeliveryStatus.DELIVERED) {
        settled++;
        assertThat(triggers).containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
      } else {
        assertThat(triggers)
            .as("resent: no resolution row")
            .containsExactly(AttemptTrigger.RECOVERY);
      }
    }
    assertThat(settled + resent).isEqualTo(n);
  }
}
