package candybridge.app;

import static candybridge.app.MultiInstanceHarness.EVENT_ID;
import static candybridge.app.MultiInstanceHarness.INSTANCES;
import static candybridge.app.MultiInstanceHarness.count;
import static candybridge.app.MultiInstanceHarness.event;
import static candybridge.app.MultiInstanceHarness.inFlightSessionsOf;
import static candybridge.app.MultiInstanceHarness.join;
import static candybridge.app.MultiInstanceHarness.logLines;
import static candybridge.app.MultiInstanceHarness.post;
import static candybridge.app.MultiInstanceHarness.postOr;
import static candybridge.app.MultiInstanceHarness.purchasesPerSession;
import static candybridge.app.MultiInstanceHarness.queryLong;
import static candybridge.app.MultiInstanceHarness.session;
import static candybridge.app.MultiInstanceHarness.sessionsSent;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.app.MultiInstanceHarness.Answer;
import candybridge.app.MultiInstanceHarness.Instances;
import candybridge.app.MultiInstanceHarness.Post;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.store.JdbcStore;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Poll;
import candybridge.testing.Postgres;
import candybridge.testing.RecordedCall;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: three {@code candybridge serve} processes on one PostgreSQL database behind a
 * round-robin "load balancer" (the test), one fake ReferralCandy. Every acknowledged sale reaches
 * ReferralCandy exactly once, whichever instance took the webhook, took a duplicate of it, or
 * delivered it; and when an instance is SIGKILLed mid-call, the survivors deliver the rest and mark
 * its calls in doubt after its lease, never resending them. The processes, the posting and the
 * read-backs are in {@link MultiInstanceHarness}.
 */
class MultiInstanceTest {
  static final int CLIENT_THREADS = 8;

  @TempDir Path dir;

  /** The client threads that post webhooks. */
  private final ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);

  /** Starts and stops the instances side by side. */
  private final ExecutorService lifecycle = Executors.newFixedThreadPool(INSTANCES);

  @AfterEach
  void stopThreads() {
    pool.shutdownNow();
    lifecycle.shutdownNow();
  }

  @Test
  void three_instances_on_one_database_send_each_acknowledged_sale_exactly_once() {
    int sales = 3_000;
    String url = Postgres.freshDatabaseUrl();
    try (FakeReferralCandyServer rc =
            FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET);
        Instances instances = startInstances("multi", env(url, rc, Map.of()))) {
      List<Post> posts = new ArrayList<>();
      for (int i = 0; i < sales; i++) {
        String session = session("m", i);
        String eventId = EVENT_ID + "_m" + i;
        posts.add(new Post(instances.get(i % INSTANCES), session, event(session, eventId)));
        if (i % 10 == 0) {
          // Stripe redelivers the same event; the load balancer picks another instance.
          posts.add(new Post(instances.get((i + 1) % INSTANCES), session, event(session, eventId)));
        }
        if (i % 100 == 0) {
          // A second, distinct event about the same checkout session, to a third instance.
          posts.add(
              new Post(
                  instances.get((i + 2) % INSTANCES), session, event(session, eventId + "_again")));
        }
      }

      List<Answer> answers = postAll(posts);

      assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
      assertThat(
              answers.stream()
                  .collect(Collectors.groupingBy(Answer::outcome, Collectors.counting())))
          .as("each distinct event id stored once, on whichever instance came first")
          .containsOnly(
              Map.entry("stored", (long) sales + sales / 100),
              Map.entry("duplicate", (long) sales / 10));
      Set<String> acknowledged = answers.stream().map(Answer::session).collect(Collectors.toSet());
      assertThat(acknowledged).hasSize(sales);

      Poll.until(
          "a purchase for every sale",
          Duration.ofSeconds(60),
          () -> rc.received("purchase.json").size() >= sales);
      try (JdbcStore store = JdbcStore.open(url, 2, Clock.systemUTC().instant())) {
        Poll.until(
            "every delivery recorded as delivered",
            Duration.ofSeconds(30),
            () -> count(store, DeliveryStatus.DELIVERED) == sales);
        assertThat(store.queueStats(Clock.systemUTC().instant()).byStatus())
            .containsOnly(Map.entry(DeliveryStatus.DELIVERED, (long) sales));
        assertThat(queryLong(url, "SELECT COUNT(*) FROM delivery_attempt")).isEqualTo(sales);
      }
      assertThat(purchasesPerSession(rc))
          .as("exactly one purchase per acknowledged sale")
          .containsOnlyKeys(acknowledged)
          .allSatisfy((session, calls) -> assertThat(calls).as(session).isEqualTo(1));
      assertThat(rc.received()).allMatch(RecordedCall::signatureValid);
      Poll.until(
          "every delivery logged",
          Duration.ofSeconds(10),
          () ->
              instances.all().stream().mapToLong(p -> logLines(p, "-> delivered")).sum() >= sales);
      assertThat(instances.all())
          .as("every instance delivered a share")
          .allSatisfy(p -> assertThat(logLines(p, "-> delivered")).isPositive());
      assertThat(instances.all().stream().mapToLong(p -> logLines(p, "-> delivered")).sum())
          .isEqualTo(sales);
    }
  }

  @Test
  void instance_killed_mid_call_leaves_its_calls_in_doubt_and_the_others_deliver_the_rest() {
    int sales = 600;
    String url = Postgres.freshDatabaseUrl();
    try (FakeReferralCandyServer rc =
            FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET);
        Instances instances =
            startInstances(
                "multi-kill",
                env(
                    url,
                    rc,
                    Map.of(
                        "CANDYBRIDGE_DELIVERY_TIMEOUT", "5s",
                        "CANDYBRIDGE_DELIVERY_LEASE", "20s")))) {
      Set<String> warmUp = warmUp(instances, rc);
      // Calls take a while, so each instance has some on the wire at any moment; far inside the
      // client timeout even on a busy machine, so no call times out and is retried.
      rc.delay(Duration.ofMillis(200));
      ServiceProcess victim = instances.get(0);
      List<Post> posts = new ArrayList<>();
      for (int i = 0; i < sales; i++) {
        String session = session("k", i);
        posts.add(
            new Post(instances.get(i % INSTANCES), session, event(session, EVENT_ID + "_k" + i)));
      }
      // What a load balancer does when an instance dies: the next try goes to another one.
      AtomicInteger answered = new AtomicInteger();
      List<Future<Answer>> sending =
          postAsync(
              posts,
              post -> {
                Answer a = post.to() == victim ? postOr(post, instances.get(1)) : post(post);
                answered.incrementAndGet();
                return a;
              });

      Poll.until(
          "a third of the sales posted and the victim's calls on the wire",
          Duration.ofSeconds(60),
          () ->
              answered.get() >= sales / 3
                  && inFlightSessionsOf(url, victim).stream().anyMatch(sessionsSent(rc)::contains));
      victim.kill();
      // Nobody touches a dead instance's claims until its lease runs out: this is what it held.
      Set<String> heldAtKill = inFlightSessionsOf(url, victim);
      Set<String> sentAtKill = sessionsSent(rc);
      assertThat(heldAtKill)
          .as("calls in flight at the kill")
          .isNotEmpty()
          .anyMatch(sentAtKill::contains);

      List<Answer> answers = join(sending);
      assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
      Set<String> acknowledged =
          answers.stream().map(Answer::session).collect(Collectors.toCollection(HashSet::new));
      assertThat(acknowledged).hasSize(sales);
      assertThat(sentAtKill).as("work left at the kill").hasSizeLessThan(sales / 2);
      acknowledged.addAll(warmUp);

      try (JdbcStore store = JdbcStore.open(url, 2, Clock.systemUTC().instant())) {
        Poll.until(
            "every sale delivered or in doubt",
            Duration.ofSeconds(120),
            () ->
                count(store, DeliveryStatus.DELIVERED) + count(store, DeliveryStatus.IN_DOUBT)
                    == acknowledged.size());
        assertThat(store.queueStats(Clock.systemUTC().instant()).byStatus())
            .containsOnly(
                Map.entry(
                    DeliveryStatus.DELIVERED, (long) (acknowledged.size() - heldAtKill.size())),
                Map.entry(DeliveryStatus.IN_DOUBT, (long) heldAtKill.size()));
        for (String session : heldAtKill) {
          Delivery d = store.findDeliveryByKey("purchase:" + session).orElseThrow();
          assertThat(d.status()).as(session).isEqualTo(DeliveryStatus.IN_DOUBT);
          assertThat(store.attempts(d.id()))
              .as(session)
              .singleElement()
              .satisfies(
                  attempt -> {
                    assertThat(attempt.trigger()).isEqualTo(AttemptTrigger.RECOVERY);
                    assertThat(attempt.verdict()).isEqualTo(Verdict.IN_DOUBT);
                  });
        }
      }
      Map<String, Long> sends = purchasesPerSession(rc);
      assertThat(sends.keySet()).as("nothing but acknowledged sales sent").isSubsetOf(acknowledged);
      assertThat(sends)
          .as("no sale sent twice, in doubt or not")
          .allSatisfy((session, calls) -> assertThat(calls).as(session).isEqualTo(1));
      Set<String> delivered = new HashSet<>(acknowledged);
      delivered.removeAll(heldAtKill);
      assertThat(sends.keySet()).as("every sale not in doubt was sent").containsAll(delivered);
      assertThat(rc.received()).allMatch(RecordedCall::signatureValid);
      assertThat(logLines(victim, "is in doubt")).isZero();
      assertThat(
              logLines(instances.get(1), "is in doubt") + logLines(instances.get(2), "is in doubt"))
          .as("each abandoned call marked once, by a survivor")
          .isEqualTo(heldAtKill.size());
    }
  }

  /**
   * Sales through the instances until each has delivered one, before the test starts timing calls:
   * an instance's first ReferralCandy calls (cold JVM and HTTP client) can be slow enough on a busy
   * machine to time out, and a timed-out call is retried by design, which would blur "never sent
   * twice". Returns the warm-up sessions.
   */
  private Set<String> warmUp(Instances instances, FakeReferralCandyServer rc) {
    Set<String> sessions = new HashSet<>();
    for (int round = 0;
        instances.all().stream().anyMatch(p -> logLines(p, "-> delivered") == 0);
        round++) {
      assertThat(round).as("warm-up rounds").isLessThan(20);
      List<Post> posts = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        String session = session("warm" + round + "_", i);
        posts.add(
            new Post(
                instances.get(i), session, event(session, EVENT_ID + "_warm" + round + "_" + i)));
        sessions.add(session);
      }
      assertThat(postAll(posts))
          .allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
      Poll.until(
          "the warm-up sales delivered",
          Duration.ofSeconds(60),
          () -> rc.received("purchase.json").size() >= sessions.size());
    }
    return sessions;
  }

  /** Posts concurrently from a few client threads and waits for every answer. */
  private List<Answer> postAll(List<Post> posts) {
    return join(postAsync(posts, MultiInstanceHarness::post));
  }

  private List<Future<Answer>> postAsync(List<Post> posts, Function<Post, Answer> send) {
    List<Future<Answer>> futures = new ArrayList<>();
    for (Post post : posts) {
      futures.add(pool.submit(() -> send.apply(post)));
    }
    return futures;
  }

  private Map<String, String> env(
      String databaseUrl, FakeReferralCandyServer rc, Map<String, String> extra) {
    Map<String, String> env = TestApp.env(dir.resolve("unused.db"), rc, StripeWebhooks.SECRET);
    env.put("CANDYBRIDGE_DATABASE_URL", databaseUrl);
    env.put("CANDYBRIDGE_DB_POOL_SIZE", "6");
    env.put("CANDYBRIDGE_DELIVERY_CONCURRENCY", "8");
    env.putAll(extra);
    return env;
  }

  /** {@link Instances#start} on this test's lifecycle threads. */
  private Instances startInstances(String name, Map<String, String> env) {
    return Instances.start(name, env, lifecycle);
  }
}
