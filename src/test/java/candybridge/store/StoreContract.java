package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.QueueStats;
import candybridge.delivery.Replay;
import candybridge.delivery.SaveResult;
import candybridge.delivery.Store;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every {@link Store} must pass this, on every database. */
abstract class StoreContract {
  static final Instant NOW = Instant.parse("2026-10-01T12:00:00Z");

  protected JdbcStore store;

  protected abstract JdbcStore openStore();

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

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

  private Attempt attempt(Delivery d, Verdict verdict, Integer status) {
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

  @Test
  void saves_an_event_with_its_planned_delivery() {
    assertThat(
            store.saveEvent(
                event("evt_1", "checkout.session.completed", "cs_1", 100),
                purchasePlan("cs_1"),
                NOW))
        .isEqualTo(SaveResult.stored(Map.of()));
    Delivery d = store.findDeliveryByKey("purchase:cs_1").orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(d.nextAttemptAt()).contains(NOW);
    assertThat(d.call().params()).containsEntry("email", "a@example.com");
    assertThat(store.eventSummary("evt_1")).contains("purchase planned for cs_1");
    assertThat(store.deliveriesOfEvent("evt_1")).extracting(Delivery::id).containsExactly(d.id());
  }

  @Test
  void the_same_event_id_is_stored_once() {
    StripeEvent e = event("evt_1", "checkout.session.completed", "cs_1", 100);
    assertThat(store.saveEvent(e, purchasePlan("cs_1"), NOW))
        .isEqualTo(SaveResult.stored(Map.of()));
    assertThat(store.saveEvent(e, purchasePlan("cs_1"), NOW)).isEqualTo(SaveResult.duplicate());
    assertThat(store.claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }

  @Test
  void every_write_reports_how_long_its_commit_took_and_reads_report_none() {
    List<Duration> commits = Collections.synchronizedList(new ArrayList<>());
    store.onCommit(commits::add);
    StripeEvent e = event("evt_1", "checkout.session.completed", "cs_1", 100);
    store.saveEvent(e, purchasePlan("cs_1"), NOW);
    store.saveEvent(e, purchasePlan("cs_1"), NOW);
    store.queueStats(NOW);
    store.deliveriesOfEvent("evt_1");
    assertThat(store.claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);

    assertThat(commits).hasSize(3).allSatisfy(d -> assertThat(d.isNegative()).isFalse());
  }

  @Test
  void a_second_event_for_the_same_sale_plans_no_second_delivery() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    assertThat(
            store
                .saveEvent(
                    event("evt_2", "checkout.session.async_payment_succeeded", "cs_1", 200),
                    purchasePlan("cs_1"),
                    NOW)
                .isDuplicate())
        .isFalse();
    assertThat(store.deliveriesOfEvent("evt_2")).isEmpty();
    assertThat(store.claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }

  static Plan decidedPurchasePlan(String sessionId) {
    String key = "purchase:" + sessionId;
    Decision decision =
        new Decision("checkout-purchase", true, "create_purchase planned as " + key);
    return new Plan(purchasePlan(sessionId).deliveries(), List.of(decision), decision.toString());
  }

  @Test
  void a_second_event_for_the_same_sale_records_and_reports_the_delivery_already_planned() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100),
        decidedPurchasePlan("cs_1"),
        NOW);
    Delivery first = store.findDeliveryByKey("purchase:cs_1").orElseThrow();

    SaveResult second =
        store.saveEvent(
            event("evt_2", "checkout.session.async_payment_succeeded", "cs_1", 200),
            decidedPurchasePlan("cs_1"),
            NOW);

    String honest =
        "checkout-purchase: already planned as delivery #" + first.id() + " (purchase:cs_1)";
    assertThat(second).isEqualTo(SaveResult.stored(Map.of("purchase:cs_1", first.id())));
    assertThat(store.eventSummary("evt_2")).contains(honest);
    assertThat(store.history().event("evt_2").orElseThrow().decisions())
        .contains("already planned as delivery #" + first.id())
        .doesNotContain("create_purchase planned");
    assertThat(store.eventSummary("evt_1"))
        .contains("checkout-purchase: create_purchase planned as purchase:cs_1");
    assertThat(store.deliveriesOfEvent("evt_2")).isEmpty();
  }

  @Test
  void concurrent_events_for_one_sale_plan_one_delivery_and_each_names_it() throws Exception {
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
                return store.saveEvent(
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

    Delivery won = store.findDeliveryByKey("purchase:cs_sale").orElseThrow();
    assertThat(store.claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
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
      String summary = store.eventSummary(id).orElseThrow();
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
  void a_blocked_delivery_is_stored_failed_with_its_reason_and_never_claimed() {
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
    store.saveEvent(event("evt_9", "checkout.session.completed", "cs_9", 100), plan, NOW);
    Delivery d = store.findDeliveryByKey("purchase:cs_9").orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError()).contains("no e-mail address");
    assertThat(store.claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660))).isEmpty();
  }

  @Test
  void session_completed_at_is_the_created_of_the_completed_event() {
    assertThat(store.sessionCompletedAt("cs_1")).isEmpty();
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 1234), Plan.nothing("unpaid"), NOW);
    assertThat(store.sessionCompletedAt("cs_1")).hasValue(1234);
  }

  @Test
  void claims_only_due_deliveries_and_only_once() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    assertThat(store.claimDue(NOW.minusSeconds(1), 10, "me", NOW.plusSeconds(60))).isEmpty();
    List<Delivery> claimed = store.claimDue(NOW, 10, "me", NOW.plusSeconds(60));
    assertThat(claimed)
        .singleElement()
        .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.IN_FLIGHT));
    assertThat(store.claimDue(NOW, 10, "other", NOW.plusSeconds(60))).isEmpty();
  }

  @Test
  void recording_a_retry_makes_the_delivery_due_again_later() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store.claimDue(NOW, 10, "me", NOW.plusSeconds(60)).get(0);
    assertThat(
            store.recordAttempt(
                d,
                attempt(d, Verdict.RETRY, 500),
                DeliveryStatus.PENDING,
                Optional.of(NOW.plusSeconds(30))))
        .isTrue();
    assertThat(store.claimDue(NOW.plusSeconds(29), 10, "me", NOW.plusSeconds(90))).isEmpty();
    Delivery again = store.claimDue(NOW.plusSeconds(30), 10, "me", NOW.plusSeconds(90)).get(0);
    assertThat(again.attemptCount()).isEqualTo(1);
    assertThat(
            store.recordAttempt(
                again,
                attempt(again, Verdict.DELIVERED, 200),
                DeliveryStatus.DELIVERED,
                Optional.empty()))
        .isTrue();
    assertThat(store.attempts(d.id()))
        .extracting(a -> a.httpStatus().getAsInt())
        .containsExactly(500, 200);
    assertThat(store.findDelivery(d.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  void a_stale_claim_cannot_record() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store.claimDue(NOW, 10, "me", NOW.plusSeconds(60)).get(0);
    store.markAbandonedInDoubt(NOW.plusSeconds(61), false);
    assertThat(
            store.recordAttempt(
                d, attempt(d, Verdict.DELIVERED, 200), DeliveryStatus.DELIVERED, Optional.empty()))
        .isFalse();
    assertThat(store.findDelivery(d.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void abandoned_claims_become_in_doubt_with_a_recovery_attempt() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store.saveEvent(
        event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    Delivery d = store.claimDue(NOW, 1, "dead", NOW.plusSeconds(60)).get(0);

    assertThat(store.markAbandonedInDoubt(NOW.plusSeconds(10), false))
        .as("lease still running")
        .isEmpty();
    assertThat(store.markAbandonedInDoubt(NOW.plusSeconds(61), false))
        .extracting(Delivery::id)
        .containsExactly(d.id());

    Delivery after = store.findDelivery(d.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(DeliveryStatus.IN_DOUBT);
    assertThat(after.lastError().orElseThrow()).contains("not resent");
    assertThat(store.attempts(d.id()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.trigger()).isEqualTo(AttemptTrigger.RECOVERY);
              assertThat(a.verdict()).isEqualTo(Verdict.IN_DOUBT);
            });
    assertThat(store.claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660)))
        .extracting(Delivery::dedupeKey)
        .containsExactly("purchase:cs_2");
  }

  @Test
  void every_claim_at_start_up_marks_all_in_flight_deliveries() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store.claimDue(NOW, 1, "dead", NOW.plusSeconds(60));
    assertThat(store.markAbandonedInDoubt(NOW, true)).hasSize(1);
  }

  @Test
  void concurrent_claims_never_hand_out_a_delivery_twice() throws Exception {
    int n = 200;
    for (int i = 0; i < n; i++) {
      store.saveEvent(
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
                  got = store.claimDue(NOW, 7, me, NOW.plusSeconds(60));
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
  void concurrent_saves_of_one_event_store_it_once() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<SaveResult>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store.saveEvent(
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
    assertThat(store.claimDue(NOW, 10, "me", NOW.plusSeconds(60))).hasSize(1);
  }

  private Delivery deliver(String session, Verdict verdict, DeliveryStatus status) {
    // Claims the oldest due delivery only: callers deliver in the order they saved.
    Delivery d = store.claimDue(NOW, 1, "me", NOW.plusSeconds(60)).get(0);
    assertThat(d.dedupeKey()).isEqualTo("purchase:" + session);
    store.recordAttempt(
        d, attempt(d, verdict, verdict == Verdict.DELIVERED ? 200 : 400), status, Optional.empty());
    return store.findDelivery(d.id()).orElseThrow();
  }

  @Test
  void replay_makes_a_finished_delivery_due_as_manual_and_refuses_unfinished_ones() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery pending = store.findDeliveryByKey("purchase:cs_1").orElseThrow();
    assertThat(store.replay(pending.id(), NOW)).as("pending").isEmpty();
    Delivery failed = deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    Delivery replayed = store.replay(failed.id(), NOW.plusSeconds(5)).orElseThrow();
    assertThat(replayed.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(replayed.manual()).isTrue();
    assertThat(store.claimDue(NOW.plusSeconds(5), 10, "me", NOW.plusSeconds(65)))
        .extracting(Delivery::id)
        .containsExactly(failed.id());
    assertThat(store.replay(new candybridge.delivery.DeliveryId(999_999), NOW)).isEmpty();
  }

  @Test
  void bulk_replay_takes_only_the_statuses_asked_for() {
    for (int i = 1; i <= 3; i++) {
      store.saveEvent(
          event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
          purchasePlan("cs_" + i),
          NOW);
    }
    deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    deliver("cs_2", Verdict.DELIVERED, DeliveryStatus.DELIVERED);
    int n =
        store.replayMatching(
            candybridge.delivery.DeliveryQuery.all()
                .withStatuses(java.util.Set.of(DeliveryStatus.FAILED)),
            NOW);
    assertThat(n).isEqualTo(1);
    assertThat(store.findDeliveryByKey("purchase:cs_1").orElseThrow().status())
        .isEqualTo(DeliveryStatus.PENDING);
    assertThat(store.findDeliveryByKey("purchase:cs_2").orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  void resolve_as_sent_only_settles_in_doubt_deliveries() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Delivery d = store.claimDue(NOW, 1, "dead", NOW.plusSeconds(60)).get(0);
    assertThat(store.resolveAsSent(d.id(), NOW)).as("in flight, not in doubt").isEmpty();
    store.markAbandonedInDoubt(NOW, true);
    assertThat(store.resolveAsSent(d.id(), NOW.plusSeconds(1)).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(store.attempts(d.id()))
        .extracting(Attempt::trigger)
        .containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
  }

  /** Saves sales cs_{from}..cs_{to}, {@code at} the given time, and leaves them in doubt. */
  private void inDoubt(int from, int to, Instant at) {
    for (int i = from; i <= to; i++) {
      store.saveEvent(
          event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
          purchasePlan("cs_" + i),
          at);
    }
    store.claimDue(at, 100, "dead", at.plusSeconds(60));
    store.markAbandonedInDoubt(at, true);
  }

  private DeliveryStatus statusOf(String session) {
    return store.findDeliveryByKey("purchase:" + session).orElseThrow().status();
  }

  private static final DeliveryQuery IN_DOUBT =
      DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.IN_DOUBT));

  @Test
  void bulk_resolve_as_sent_settles_every_in_doubt_match_like_a_single_resolve() {
    store.saveEvent(
        event("evt_0", "checkout.session.completed", "cs_0", 100), purchasePlan("cs_0"), NOW);
    deliver("cs_0", Verdict.FAIL, DeliveryStatus.FAILED);
    inDoubt(1, 3, NOW);

    assertThat(store.resolveMatching(IN_DOUBT, Replay.Resolution.SENT, NOW.plusSeconds(5)))
        .isEqualTo(3);

    for (String s : List.of("cs_1", "cs_2", "cs_3")) {
      Delivery d = store.findDeliveryByKey("purchase:" + s).orElseThrow();
      assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
      assertThat(d.lastError()).isEmpty();
      assertThat(store.attempts(d.id()))
          .extracting(Attempt::trigger)
          .containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
    }
    assertThat(statusOf("cs_0"))
        .as("failed, not in doubt: untouched")
        .isEqualTo(DeliveryStatus.FAILED);
    assertThat(store.claimDue(NOW.plusSeconds(3600), 10, "me", NOW.plusSeconds(3660)))
        .as("nothing to send")
        .isEmpty();
    assertThat(store.resolveMatching(IN_DOUBT, Replay.Resolution.SENT, NOW.plusSeconds(6)))
        .as("again")
        .isZero();
  }

  @Test
  void bulk_resend_makes_every_in_doubt_match_due_now_as_a_manual_attempt() {
    store.saveEvent(
        event("evt_0", "checkout.session.completed", "cs_0", 100), purchasePlan("cs_0"), NOW);
    deliver("cs_0", Verdict.FAIL, DeliveryStatus.FAILED);
    inDoubt(1, 2, NOW);

    assertThat(
            store.resolveMatching(
                DeliveryQuery.all(), Replay.Resolution.RESEND, NOW.plusSeconds(5)))
        .as("no status given means in doubt")
        .isEqualTo(2);

    for (String s : List.of("cs_1", "cs_2")) {
      Delivery d = store.findDeliveryByKey("purchase:" + s).orElseThrow();
      assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(d.manual()).isTrue();
      assertThat(d.nextAttemptAt()).contains(NOW.plusSeconds(5));
    }
    assertThat(statusOf("cs_0")).isEqualTo(DeliveryStatus.FAILED);
    assertThat(store.claimDue(NOW.plusSeconds(5), 10, "me", NOW.plusSeconds(65)))
        .extracting(Delivery::dedupeKey)
        .containsExactlyInAnyOrder("purchase:cs_1", "purchase:cs_2");
    assertThat(store.resolveMatching(IN_DOUBT, Replay.Resolution.RESEND, NOW.plusSeconds(6)))
        .as("in flight now, no longer in doubt")
        .isZero();
  }

  @Test
  void counting_the_matches_changes_nothing_and_other_statuses_are_refused() {
    inDoubt(1, 2, NOW);
    assertThat(store.count(IN_DOUBT)).isEqualTo(2);
    assertThat(store.count(IN_DOUBT)).isEqualTo(2);
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
    assertThat(store.count(DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.PENDING))))
        .isZero();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                store.resolveMatching(
                    DeliveryQuery.all().withStatuses(Set.of(DeliveryStatus.FAILED)),
                    Replay.Resolution.RESEND,
                    NOW));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                store.resolveMatching(
                    DeliveryQuery.all()
                        .withStatuses(Set.of(DeliveryStatus.FAILED, DeliveryStatus.IN_DOUBT)),
                    Replay.Resolution.SENT,
                    NOW));
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void bulk_resolve_takes_only_what_the_filters_match() {
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
    assertThat(store.count(later)).isEqualTo(2);
    assertThat(store.count(earlier)).isEqualTo(2);

    assertThat(
            store.resolveMatching(
                otherWorkflow, Replay.Resolution.SENT, NOW.plus(Duration.ofHours(3))))
        .isZero();
    assertThat(store.resolveMatching(later, Replay.Resolution.SENT, NOW.plus(Duration.ofHours(3))))
        .isEqualTo(2);
    assertThat(statusOf("cs_3")).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(statusOf("cs_4")).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(store.resolveMatching(one, Replay.Resolution.RESEND, NOW.plus(Duration.ofHours(3))))
        .isEqualTo(1);
    assertThat(statusOf("cs_2")).isEqualTo(DeliveryStatus.PENDING);
    assertThat(statusOf("cs_1")).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void concurrent_bulk_resolves_settle_each_delivery_once() throws Exception {
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
                return store.resolveMatching(IN_DOUBT, how, NOW.plusSeconds(5));
              }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).as("each in-doubt delivery resolved by exactly one caller").isEqualTo(n);
    int resent = store.claimDue(NOW.plusSeconds(5), 1000, "me", NOW.plusSeconds(65)).size();
    int settled = 0;
    for (int i = 1; i <= n; i++) {
      Delivery d = store.findDeliveryByKey("purchase:cs_" + i).orElseThrow();
      List<AttemptTrigger> triggers =
          store.attempts(d.id()).stream().map(Attempt::trigger).toList();
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

  @Test
  void purge_keeps_ids_and_keys_and_unfinished_work() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store.saveEvent(
        event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    Delivery done = deliver("cs_1", Verdict.DELIVERED, DeliveryStatus.DELIVERED);
    PurgeResult r = store.purge(NOW.plus(Duration.ofDays(31)));
    assertThat(r.payloadsCleared()).isEqualTo(1);
    assertThat(r.attemptsDeleted()).isEqualTo(1);
    assertThat(store.eventPayload("evt_1")).isEmpty();
    assertThat(store.eventPayload("evt_2")).as("its delivery is still pending").isPresent();
    assertThat(store.findDelivery(done.id()).orElseThrow().call().params()).isEmpty();
    assertThat(
            store.saveEvent(
                event("evt_1", "checkout.session.completed", "cs_1", 100),
                purchasePlan("cs_1"),
                NOW))
        .isEqualTo(SaveResult.duplicate());
    assertThat(
            store.saveEvent(
                event("evt_9", "checkout.session.completed", "cs_1", 100),
                purchasePlan("cs_1"),
                NOW))
        .isEqualTo(SaveResult.stored(Map.of("purchase:cs_1", done.id())));
    assertThat(store.deliveriesOfEvent("evt_9")).as("dedupe key kept").isEmpty();
  }

  @Test
  void queue_stats_count_statuses_due_work_and_its_age() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store.saveEvent(
        event("evt_2", "checkout.session.completed", "cs_2", 100), purchasePlan("cs_2"), NOW);
    deliver("cs_1", Verdict.FAIL, DeliveryStatus.FAILED);
    QueueStats q = store.queueStats(NOW.plusSeconds(90));
    assertThat(q.count(DeliveryStatus.FAILED)).isEqualTo(1);
    assertThat(q.count(DeliveryStatus.PENDING)).isEqualTo(1);
    assertThat(q.dueNow()).isEqualTo(1);
    assertThat(q.oldestDueAge()).contains(Duration.ofSeconds(90));
  }

  @Test
  void completing_a_lookup_replaces_the_params_of_the_claimed_delivery() {
    Plan plan =
        new Plan(
            List.of(
                PlannedDelivery.deferred(
                    "wf",
                    "purchase:cs_1",
                    RcCall.of(RcMethod.PURCHASE, Map.of("external_reference_id", "cs_1")))),
            List.of(),
            "deferred");
    store.saveEvent(event("evt_1", "checkout.session.completed", "cs_1", 100), plan, NOW);
    Delivery d = store.claimDue(NOW, 1, "me", NOW.plusSeconds(60)).get(0);
    assertThat(d.needsLookup()).isTrue();
    assertThat(
            store.completeLookup(
                d,
                RcCall.of(
                    RcMethod.PURCHASE,
                    Map.of("external_reference_id", "cs_1", "email", "b@example.com"))))
        .isTrue();
    Delivery after = store.findDelivery(d.id()).orElseThrow();
    assertThat(after.needsLookup()).isFalse();
    assertThat(after.call().params()).containsEntry("email", "b@example.com");
    assertThat(store.eventPayload("evt_1")).contains("{\"id\":\"evt_1\"}");
  }

  @Test
  void history_lists_filter_search_and_page() {
    for (int i = 1; i <= 5; i++) {
      store.saveEvent(
          event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
          purchasePlan("cs_" + i),
          NOW.plusSeconds(i));
    }
    store.saveEvent(
        event("evt_inv", "invoice.payment_failed", "in_1", 100), Plan.nothing("none"), NOW);
    var h = store.history();
    var first = h.deliveries(candybridge.delivery.DeliveryQuery.all(), Optional.empty(), 2);
    assertThat(first.items()).hasSize(2);
    var rest = h.deliveries(candybridge.delivery.DeliveryQuery.all(), first.next(), 10);
    assertThat(rest.items()).hasSize(3);
    assertThat(rest.next()).isEmpty();
    var search =
        new candybridge.delivery.DeliveryQuery(
            java.util.Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("cs_3"));
    assertThat(h.deliveries(search, Optional.empty(), 10).items())
        .extracting(Delivery::dedupeKey)
        .containsExactly("purchase:cs_3");
    var byEmail =
        new candybridge.delivery.DeliveryQuery(
            java.util.Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("a@example.com"));
    assertThat(h.deliveries(byEmail, Optional.empty(), 10).items()).hasSize(5);
    var events =
        h.events(
            new candybridge.history.EventQuery(
                Optional.of("invoice.payment_failed"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Optional.empty(),
            10);
    assertThat(events.items()).extracting(e -> e.id()).containsExactly("evt_inv");
    var paged = h.events(candybridge.history.EventQuery.all(), Optional.empty(), 4);
    assertThat(h.events(candybridge.history.EventQuery.all(), paged.next(), 4).items()).hasSize(2);
    assertThat(h.event("evt_2")).hasValueSatisfying(e -> assertThat(e.summary()).contains("cs_2"));
    assertThat(h.hourly(NOW.minus(Duration.ofHours(1))))
        .singleElement()
        .satisfies(c -> assertThat(c.count()).isEqualTo(5));
  }

  @Test
  void search_matches_whole_ids_keys_and_e_mail_addresses_never_a_part() {
    saveSale("evt_1", "cs_1", "purchase:cs_1", "ann@example.com");
    saveSale("evt_10", "cs_10", "purchase:cs_10", "joann@example.com");
    saveSale("evt_11", "cs_1x", "purchase:cs_1x", "ann@example.com.au");
    saveSale("evt_12", "cs_other", "signup:evt_12", "bob@example.com");

    assertThat(keysMatching("cs_1"))
        .as("a session id, not its prefix")
        .containsExactly("purchase:cs_1");
    assertThat(keysMatching("purchase:cs_10")).containsExactly("purchase:cs_10");
    assertThat(keysMatching("evt_10")).as("an event id").containsExactly("purchase:cs_10");
    assertThat(keysMatching("cs_other"))
        .as("the event's session, whatever the key")
        .containsExactly("signup:evt_12");
    assertThat(keysMatching("evt_12")).containsExactly("signup:evt_12");
    assertThat(keysMatching("ann@example.com"))
        .as("the whole address")
        .containsExactly("purchase:cs_1");
    for (String part :
        List.of(
            "cs_",
            "1",
            "purchase",
            "purchase:",
            ":cs_1",
            "example.com",
            "ann",
            "email",
            "USD",
            "checkout-purchase",
            "%",
            "_")) {
      assertThat(keysMatching(part)).as("'%s' is only a part of a value", part).isEmpty();
    }
    var one =
        new candybridge.delivery.DeliveryQuery(
            Set.of(DeliveryStatus.PENDING),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("cs_1"));
    assertThat(store.count(one)).isEqualTo(1);
  }

  private void saveSale(String eventId, String sessionId, String key, String email) {
    Plan plan =
        new Plan(
            List.of(
                PlannedDelivery.ready(
                    "checkout-purchase",
                    key,
                    RcCall.of(
                        RcMethod.PURCHASE,
                        Map.of(
                            "external_reference_id",
                            sessionId,
                            "email",
                            email,
                            "currency_code",
                            "USD")))),
            List.of(),
            "purchase planned for " + sessionId);
    store.saveEvent(event(eventId, "checkout.session.completed", sessionId, 100), plan, NOW);
  }

  private List<String> keysMatching(String q) {
    var query =
        new candybridge.delivery.DeliveryQuery(
            Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(q));
    return store.history().deliveries(query, Optional.empty(), 50).items().stream()
        .map(Delivery::dedupeKey)
        .toList();
  }

  @Test
  void reports_ready_while_the_database_answers() {
    assertThat(store.isReady()).isTrue();
  }
}
