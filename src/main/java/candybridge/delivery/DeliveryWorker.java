package candybridge.delivery;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcResponse;
import candybridge.referralcandy.ReferralCandy;
import candybridge.store.Store;
import candybridge.workflow.Action;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due deliveries, sends them to ReferralCandy, and records every attempt. {@link #runOnce}
 * does one round and is what tests drive; {@link #start} runs rounds on a thread, woken at once by
 * {@link #wake} when an event is stored, else every poll interval.
 */
public final class DeliveryWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  /** Tuning of one worker; the instance id names its claims. */
  public record Settings(
      String instanceId,
      int batchSize,
      int concurrency,
      Duration lease,
      Duration pollInterval,
      RetryPolicy retryPolicy) {}

  private final Store store;
  private final ReferralCandy referralCandy;
  private final RetryPolicy retryPolicy;
  private final DeliveryListener listener;
  private final Clock clock;
  private final Settings settings;
  private final Enrichment enrichment;
  /**
   * Claims under way at once: one waiting for its commit while the next gathers the senders freed
   * meanwhile, so a freed sender waits for one commit, not for the end of a claim round and another.
   */
  private static final int CLAIMS_IN_FLIGHT = 2;

  private final ExecutorService senders;
  private final ExecutorService claimers;
  private final Semaphore wakeUp = new Semaphore(0);
  private final Semaphore freeSenders;
  private final Semaphore claimSlots = new Semaphore(CLAIMS_IN_FLIGHT);
  /** Set when a claim found fewer due deliveries than free senders: wait for a wake-up or a poll. */
  private final AtomicBoolean drained = new AtomicBoolean();
  private volatile boolean running;
  private Thread loop;

  public DeliveryWorker(
      Store store,
      ReferralCandy referralCandy,
      Clock clock,
      Settings settings,
      Enrichment enrichment,
      DeliveryListener listener) {
    this.store = store;
    this.enrichment = enrichment;
    this.referralCandy = referralCandy;
    this.retryPolicy = settings.retryPolicy();
    this.listener = listener;
    this.clock = clock;
    this.settings = settings;
    this.freeSenders = new Semaphore(settings.concurrency());
    AtomicInteger n = new AtomicInteger();
    // Twice the calls allowed: a sender that is recording an outcome already let the next call
    // start (see dispatch), so recording never eats into ReferralCandy's concurrency.
    this.senders =
        Executors.newFixedThreadPool(
            2 * settings.concurrency(),
            r -> {
              Thread t = new Thread(r, "delivery-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    AtomicInteger c = new AtomicInteger();
    this.claimers =
        Executors.newFixedThreadPool(
            CLAIMS_IN_FLIGHT,
            r -> {
              Thread t = new Thread(r, "delivery-claim-" + c.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Marks calls left in flight by a dead process as in doubt (never resends them). With {@code
   * everyClaim} every in-flight delivery counts, which is right at start-up on a single-instance
   * store; otherwise only expired leases do.
   */
  public int recoverAbandoned(boolean everyClaim) {
    List<Delivery> marked = store.markAbandonedInDoubt(clock.instant(), everyClaim);
    for (Delivery d : marked) {
      listener.markedInDoubt(d);
      log.warn("delivery={} key={} is in doubt: the process stopped mid-call; resolve it by hand",
          d.id(), d.dedupeKey());
    }
    return marked.size();
  }

  /** Claims up to a batch of due deliveries, sends them (bounded concurrency), records each. */
  public int runOnce() {
    Instant now = clock.instant();
    List<Delivery> claimed =
        store.claimDue(now, settings.batchSize(), settings.instanceId(), now.plus(settings.lease()));
    List<Future<?>> sends = new ArrayList<>(claimed.size());
    for (Delivery d : claimed) {
      sends.add(senders.submit(() -> deliver(d, () -> {})));
    }
    for (Future<?> f : sends) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        log.error("delivery round failed", e.getCause());
      }
    }
    return claimed.size();
  }

  /**
   * The loop's round: reserves the free senders and starts a claim of as many due deliveries on a
   * claimer thread, without waiting for it, so one slow call or commit never holds up the others.
   * Only free senders are claimed for: a claimed delivery is sent at once, never held (after a
   * crash every claim counts as in doubt). A finished call frees its sender and wakes the loop at
   * once, while its outcome is still being recorded: at most {@code concurrency} calls are at
   * ReferralCandy, and the next one need not wait for a commit. Returns false when there was
   * nothing to start: no free sender, no claim slot, or the last claim found too few due.
   */
  private boolean dispatch() {
    if (drained.getAndSet(false) || !claimSlots.tryAcquire()) {
      return false;
    }
    int reserved = reserve(settings.batchSize());
    if (reserved == 0) {
      claimSlots.release();
      return false;
    }
    claimers.execute(() -> claimAndSend(reserved));
    return true;
  }

  /** Takes up to {@code max} free senders, without waiting. */
  private int reserve(int max) {
    int taken = 0;
    while (taken < max && freeSenders.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  private void claimAndSend(int reserved) {
    int started = 0;
    try {
      Instant now = clock.instant();
      List<Delivery> claimed =
          store.claimDue(now, reserved, settings.instanceId(), now.plus(settings.lease()));
      for (Delivery d : claimed) {
        senders.execute(() -> sendClaimed(d));
        started++;
      }
      if (claimed.size() < reserved) {
        drained.set(true);
      }
    } catch (RuntimeException e) {
      // Store down or a bug: the loop waits for a wake-up or a poll before the next claim.
      log.error("delivery round failed: {}", e.toString());
      drained.set(true);
    } finally {
      freeSenders.release(reserved - started);
      claimSlots.release();
      wake();
    }
  }

  /** Runs on a sender that the claim reserved; frees it as soon as the call is over. */
  private void sendClaimed(Delivery d) {
    AtomicBoolean freed = new AtomicBoolean();
    Runnable callFinished = () -> {
      if (freed.compareAndSet(false, true)) {
        freeSenders.release();
        wake();
      }
    };
    try {
      deliver(d, callFinished);
    } catch (RuntimeException e) {
      // Store down while recording: the claim stays in flight and is resolved as in doubt.
      log.error("delivery={} key={}: outcome not recorded: {}", d.id(), d.dedupeKey(), e.toString());
    } finally {
      callFinished.run();
    }
  }

  /** Sends one claimed delivery, runs {@code callFinished} as soon as the call is over, records it. */
  private void deliver(Delivery d, Runnable callFinished) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    AttemptOutcome outcome;
    try {
      outcome = send(d);
    } finally {
      callFinished.run();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    int number = d.attemptCount() + 1;
    Transition next = transition(d, outcome, number);
    Attempt attempt =
        new Attempt(d.id(), number, d.manual() ? AttemptTrigger.MANUAL : AttemptTrigger.SCHEDULED,
            started, took, outcome.httpStatus(), outcome.responseExcerpt(), next.error(), outcome.verdict());
    if (!store.recordAttempt(d, attempt, next.status(), next.at())) {
      log.warn("delivery={} key={}: claim was lost before the outcome ({}) could be recorded",
          d.id(), d.dedupeKey(), next.status());
      return;
    }
    listener.attemptRecorded(d, attempt, next.status());
    log.info("delivery={} key={} attempt={} http={} -> {}{}", d.id(), d.dedupeKey(), number,
        outcome.httpStatus().isPresent() ? outcome.httpStatus().getAsInt() : "-",
        next.status().wireName(), next.at().map(t -> " at " + t).orElse(""));
  }

  /** Where an attempt leaves the delivery: its status, when to try again, and the error kept. */
  private record Transition(DeliveryStatus status, Optional<Instant> at, Optional<String> error) {}

  private Transition transition(Delivery d, AttemptOutcome outcome, int number) {
    Optional<String> error = outcome.error();
    return switch (outcome.verdict()) {
      case DELIVERED -> new Transition(DeliveryStatus.DELIVERED, Optional.empty(), error);
      case FAIL -> new Transition(DeliveryStatus.FAILED, Optional.empty(), error);
      case RETRY -> {
        if (d.manual()) {
          // An operator's replay is one attempt: if it fails, the operator decides again.
          yield new Transition(DeliveryStatus.FAILED, Optional.empty(),
              Optional.of("replay failed, not retried automatically: " + error.orElse("?")));
        }
        Optional<Duration> delay = retryPolicy.delayAfter(number, outcome.retryAfter());
        yield delay.isPresent()
            ? new Transition(DeliveryStatus.PENDING, Optional.of(clock.instant().plus(delay.get())), error)
            : new Transition(DeliveryStatus.FAILED, Optional.empty(),
                Optional.of("gave up after " + number + " attempts; last: " + error.orElse("?")));
      }
      case IN_DOUBT -> throw new IllegalStateException("a finished call is never in doubt");
    };
  }


  /** Completes the parameters if needed, checks them, and only then calls ReferralCandy. */
  private AttemptOutcome send(Delivery d) {
    Enrichment.Prepared prepared = enrichment.prepare(d);
    if (prepared.instead().isPresent()) {
      return prepared.instead().get();
    }
    RcCall call = prepared.call().orElseThrow();
    List<String> missing =
        Action.of(call.method()).required().stream().filter(p -> !call.params().containsKey(p)).toList();
    if (!missing.isEmpty()) {
      return Enrichment.Prepared.not(Verdict.FAIL, "required parameter(s) " + String.join(", ", missing)
          + " missing for " + call.method().path() + "; nothing was sent").instead().orElseThrow();
    }
    try {
      RcResponse response = referralCandy.send(call);
      return AttemptOutcome.of(response);
    } catch (IOException e) {
      return AttemptOutcome.of(e);
    }
  }

  /** Starts the background loop. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    loop = new Thread(this::loop, "delivery-worker");
    loop.start();
  }

  /** Asks the loop to run a round now (cheap; called after each stored event). */
  public void wake() {
    if (wakeUp.availablePermits() == 0) {
      wakeUp.release();
    }
  }

  private void loop() {
    Instant nextLeaseCheck = clock.instant();
    while (running) {
      try {
        if (!clock.instant().isBefore(nextLeaseCheck)) {
          // Other instances' calls whose lease ran out (their process died): in doubt, not resent.
          recoverAbandoned(false);
          nextLeaseCheck = clock.instant().plus(settings.lease().dividedBy(2));
        }
        if (!dispatch()) {
          wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wakeUp.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Store down or a bug: log and keep the loop alive; the next round tries again.
        log.error("delivery round failed: {}", e.toString());
        try {
          wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops the loop and waits briefly for calls in flight; those still running stay in doubt. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = loop;
    }
    wakeUp.release();
    if (t != null) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Claims under way finish and hand their deliveries to senders before those stop taking work.
    claimers.shutdown();
    try {
      claimers.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    senders.shutdown();
    try {
      senders.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
