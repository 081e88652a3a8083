package candybridge.delivery;

import candybridge.config.OnUncertain;
import candybridge.referralcandy.RcResponse;
import candybridge.referralcandy.ReferralCandy;
import candybridge.text.UntrustedText;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Claims due deliveries, sends them to ReferralCandy, and records every attempt. {@link #runOnce}
 * does one round and is what tests drive; {@link #start} runs rounds on a thread, woken at once by
 * {@link #wake} when an event is stored, else every poll interval. Every new call passes the {@link
 * CallGate} first: the breaker, flow control, and the strict cap on claims held at once.
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
      RetryPolicy retryPolicy,
      OnUncertain onUncertain) {}

  private final Store store;
  private final ReferralCandy referralCandy;
  private final RetryPolicy retryPolicy;
  private final DeliveryListener listener;
  private final Clock clock;
  private final Settings settings;
  private final DeliveryAttempt attempt;

  /**
   * Claims under way at once: one waiting for its commit while the next gathers the senders freed
   * meanwhile, so a freed sender waits for one commit, not for the end of a claim round and
   * another.
   */
  private static final int CLAIMS_IN_FLIGHT = 2;

  private final ExecutorService senders;
  private final ExecutorService claimers;
  private final Semaphore wakeUp = new Semaphore(0);
  private final CallGate gate;
  private final Semaphore claimSlots = new Semaphore(CLAIMS_IN_FLIGHT);

  /**
   * Set when a claim found fewer due deliveries than free senders: wait for a wake-up or a poll.
   */
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
    this.referralCandy = referralCandy;
    this.retryPolicy = settings.retryPolicy();
    this.listener = listener;
    this.clock = clock;
    this.settings = settings;
    this.attempt =
        new DeliveryAttempt(
            store,
            referralCandy,
            enrichment,
            listener,
            clock,
            new NextStep(retryPolicy, settings.onUncertain(), clock));
    this.gate =
        new CallGate(
            settings.concurrency(), retryPolicy.afterThrottle(Optional.empty()), listener.gate());
    // One thread per permit: a sender keeps its permit (its claim) until the outcome is recorded.
    this.senders = Executors.newFixedThreadPool(settings.concurrency(), daemonThreads("delivery-"));
    this.claimers =
        Executors.newFixedThreadPool(CLAIMS_IN_FLIGHT, daemonThreads("delivery-claim-"));
  }

  private static ThreadFactory daemonThreads(String namePrefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, namePrefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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
      log.warn(
          "delivery={} key={} is in doubt: the process stopped mid-call; resolve it by hand",
          d.id(),
          UntrustedText.forLog(d.dedupeKey()));
    }
    return marked.size();
  }

  /** The breaker and flow control this worker's calls pass. */
  public CallGate gate() {
    return gate;
  }

  /**
   * One round, on the caller's thread: probes {@code verify.json} when the breaker's probe is due,
   * claims as many due deliveries as the gate allows (up to a batch), sends them, records each.
   */
  public int runOnce() {
    Instant now = clock.instant();
    if (gate.probeDue(now)) {
      probe();
    }
    int permits = gate.acquire(settings.batchSize(), now);
    if (permits == 0) {
      return 0;
    }
    List<Delivery> claimed;
    try {
      claimed = store.claimDue(now, permits, settings.instanceId(), now.plus(settings.lease()));
    } catch (RuntimeException e) {
      gate.release(permits);
      throw e;
    }
    gate.release(permits - claimed.size());
    List<Future<?>> sends = new ArrayList<>(claimed.size());
    for (Delivery d : claimed) {
      sends.add(senders.submit(() -> sendClaimed(d)));
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
   * The loop's round: takes the permits the gate allows and starts a claim of as many due
   * deliveries on a claimer thread, without waiting for it, so one slow call or commit never holds
   * up the others. Only permits are claimed for: a claimed delivery is sent at once, never held
   * (after a crash every claim counts as in doubt), and a sender keeps its permit until its outcome
   * is recorded, so the instance never holds more claims than its cap. While the breaker is open
   * the round starts the probe when it is due. Returns false when there was nothing to start.
   */
  private boolean dispatch() {
    Instant now = clock.instant();
    if (gate.probeDue(now)) {
      claimers.execute(this::probeAndWake);
    }
    if (drained.getAndSet(false) || !claimSlots.tryAcquire()) {
      return false;
    }
    int reserved = gate.acquire(settings.batchSize(), now);
    if (reserved == 0) {
      claimSlots.release();
      return false;
    }
    claimers.execute(() -> claimAndSend(reserved));
    return true;
  }

  private void probeAndWake() {
    try {
      probe();
    } finally {
      wake();
    }
  }

  /** Asks {@code verify.json} (signed, read-only) whether ReferralCandy answers again. */
  private void probe() {
    boolean ok;
    String what;
    try {
      RcResponse r = referralCandy.verify();
      ok = r.status() == 200;
      what = "verify.json answered " + r.status();
    } catch (IOException e) {
      ok = false;
      what =
          "verify.json: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (RuntimeException e) {
      ok = false;
      what = "verify.json: " + e;
    }
    gate.probed(ok, clock.instant(), what);
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
      gate.release(reserved - started);
      claimSlots.release();
      wake();
    }
  }

  /**
   * Runs on a sender that holds a permit for {@code d}; gives it back to the gate, with what the
   * call taught, only once the outcome is recorded.
   */
  private void sendClaimed(Delivery d) {
    long generation = gate.generation();
    // What the gate learns when the call never happened (enrichment threw): nothing.
    AttemptOutcome outcome = AttemptOutcome.noCall(Verdict.RETRY, "not sent");
    // For the JSON log format (CANDYBRIDGE_LOG_FORMAT=json): each line of this call names both.
    try (MDC.MDCCloseable delivery =
            MDC.putCloseable("delivery_id", Long.toString(d.id().value()));
        MDC.MDCCloseable event = MDC.putCloseable("event_id", d.eventId().value())) {
      Instant started = clock.instant();
      long t0 = System.nanoTime();
      outcome = attempt.send(d);
      attempt.record(d, started, Duration.ofNanos(System.nanoTime() - t0), outcome);
    } catch (RuntimeException e) {
      // Store down while recording: the claim stays in flight and is resolved as in doubt. The
      // call's own outcome still reaches the gate below.
      log.error(
          "delivery={} key={}: outcome not recorded: {}",
          d.id(),
          UntrustedText.forLog(d.dedupeKey()),
          UntrustedText.forLog(e.toString()));
    } finally {
      gate.finished(outcome, generation, clock.instant());
      wake();
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
          wakeUp.tryAcquire(idleWait().toMillis(), TimeUnit.MILLISECONDS);
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

  /**
   * How long an idle loop waits for a wake-up: the poll interval, or less when a 429's pause or the
   * breaker's next probe ends sooner, so that sending resumes the moment ReferralCandy allows.
   */
  private Duration idleWait() {
    Instant now = clock.instant();
    Duration wait = settings.pollInterval();
    Optional<Instant> until = gate.pausedUntil(now).or(gate::nextProbeAt);
    if (until.isPresent()) {
      Duration left = Duration.between(now, until.get());
      if (left.compareTo(wait) < 0) {
        wait = left.isNegative() ? Duration.ZERO : left;
      }
    }
    return wait.plusMillis(1);
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
