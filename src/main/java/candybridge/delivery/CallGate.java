package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides when a new call to ReferralCandy may start: the breaker and flow control of
 * docs/design.md §6, and the strict cap on calls in flight. One per worker (so one per instance);
 * thread-safe.
 *
 * <p><b>Permits.</b> A sender holds a permit from before its delivery is claimed until its outcome
 * is recorded, so an instance never holds more claims than {@code cap}. At most {@link #limit()}
 * permits are out at once; the limit starts at the cap.
 *
 * <p><b>Flow control.</b> A {@code 429}, and any outage sign (5xx, no answer, no connection),
 * halves the limit (at least 1), once per generation of calls: calls that started before the last
 * decrease do not decrease it again, so 16 answers to one burst count as one signal. A 429 also
 * pauses every sender until its {@code Retry-After} (or the schedule's first delay), capped at
 * {@link #MAX_PAUSE}. Each answer that is not a 429 raises the limit by one, back to the cap.
 *
 * <p><b>Breaker.</b> After {@link #OPEN_AFTER} outage signs in a row the breaker opens: no new call
 * starts, and {@code verify.json} (read-only) is probed after {@link #FIRST_PROBE}, doubling to
 * {@link #MAX_PROBE}. A probe answered {@code 200} half-opens it: one call goes first; if
 * ReferralCandy answers it, the breaker closes and the limit climbs from 1; if not, it opens again
 * and the probes go on from the last delay. Three, not one: a single dropped connection or gateway
 * blip should not stop the flow; three in a row is a pattern. Halving the limit at the first sign
 * is what keeps the bound: while the first failures come back, the other calls are still in flight
 * above the halved limit, so no new call starts into an outage, and at most the calls already in
 * flight (the cap) can end in doubt.
 */
public final class CallGate {
  /** Outage signs in a row that open the breaker. */
  public static final int OPEN_AFTER = 3;

  public static final Duration FIRST_PROBE = Duration.ofSeconds(5);
  public static final Duration MAX_PROBE = Duration.ofMinutes(2);

  /** The longest pause a 429 imposes on every sender (its own delivery may wait longer). */
  public static final Duration MAX_PAUSE = Duration.ofMinutes(2);

  /** Where the breaker stands. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Told of every change; called under the gate's lock, so it must return quickly. */
  public interface Listener {
    void stateChanged(State from, State to, String why);

    void limitChanged(int limit);

    /** A probe of an open breaker did not answer 200; the next one is in {@code next}. */
    void probeFailed(String what, Duration next);

    static Listener none() {
      return new Listener() {
        @Override
        public void stateChanged(State from, State to, String why) {}

        @Override
        public void limitChanged(int limit) {}

        @Override
        public void probeFailed(String what, Duration next) {}
      };
    }
  }

  private final int cap;
  private final Duration defaultPause;
  private final Listener listener;

  private State state = State.CLOSED;
  private int limit;
  private int inFlight;
  private int brokenInARow;
  private long generation;
  private Instant pausedUntil = Instant.MIN;
  private Instant nextProbeAt = Instant.MAX;
  private Duration probeDelay = FIRST_PROBE;
  private boolean probing;
  private Optional<Instant> openedAt = Optional.empty();

  /**
   * @param cap {@code CANDYBRIDGE_DELIVERY_CONCURRENCY}
   * @param defaultPause how long a 429 without {@code Retry-After} pauses the senders
   */
  public CallGate(int cap, Duration defaultPause, Listener listener) {
    if (cap < 1) throw new IllegalArgumentException("cap < 1: " + cap);
    this.cap = cap;
    this.limit = cap;
    this.defaultPause = requireNonNull(defaultPause, "defaultPause == null");
    this.listener = requireNonNull(listener, "listener == null");
  }

  /**
   * Takes up to {@code wanted} permits for calls that start now; 0 while the breaker is open, while
   * paused, or while a half-open trial is out.
   */
  public synchronized int acquire(int wanted, Instant now) {
    if (state == State.OPEN || now.isBefore(pausedUntil)) {
      return 0;
    }
    int room = (state == State.HALF_OPEN ? 1 : limit) - inFlight;
    int n = Math.max(0, Math.min(wanted, room));
    inFlight += n;
    return n;
  }

  /** Gives back permits that were taken but not used (fewer deliveries were due). */
  public synchronized void release(int n) {
    if (n < 0 || n > inFlight) throw new IllegalStateException("release " + n + " of " + inFlight);
    inFlight -= n;
  }

  /** The generation a call starts in; hand it back to {@link #finished}. */
  public synchronized long generation() {
    return generation;
  }

  /** A call's outcome was recorded: frees its permit and learns from it. */
  public synchronized void finished(AttemptOutcome outcome, long startedIn, Instant now) {
    release(1);
    switch (outcome.transport()) {
      case NONE -> {} // nothing was asked of ReferralCandy: nothing learned
      case ANSWERED -> answered(true);
      case THROTTLED -> {
        Duration pause = outcome.retryAfter().orElse(defaultPause);
        Instant until = now.plus(pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause);
        if (until.isAfter(pausedUntil)) {
          pausedUntil = until;
        }
        decrease(startedIn);
        answered(false); // throttled, but alive: the breaker learns that much
      }
      case BROKEN -> broken(startedIn, now, outcome.error().orElse("no answer"));
    }
  }

  private void answered(boolean raise) {
    brokenInARow = 0;
    if (state == State.HALF_OPEN) {
      change(State.CLOSED, "the first call after the outage was answered");
      openedAt = Optional.empty();
      probeDelay = FIRST_PROBE;
      nextProbeAt = Instant.MAX;
      return;
    }
    if (raise && state == State.CLOSED && limit < cap) {
      limit++;
      listener.limitChanged(limit);
    }
  }

  private void broken(long startedIn, Instant now, String why) {
    brokenInARow++;
    decrease(startedIn);
    if (state == State.HALF_OPEN) {
      probeDelay = doubled(probeDelay);
      open(now, "the first call after a successful probe failed too: " + why);
    } else if (state == State.CLOSED && brokenInARow >= OPEN_AFTER) {
      probeDelay = FIRST_PROBE;
      open(now, brokenInARow + " calls in a row not delivered; last: " + why);
    }
  }

  private void open(Instant now, String why) {
    nextProbeAt = now.plus(probeDelay);
    if (openedAt.isEmpty()) {
      openedAt = Optional.of(now);
    }
    if (limit != 1) {
      limit = 1;
      listener.limitChanged(limit);
    }
    change(State.OPEN, why);
  }

  private void decrease(long startedIn) {
    if (startedIn != generation) {
      return; // this generation already halved the limit
    }
    generation++;
    int halved = Math.max(1, limit / 2);
    if (halved != limit) {
      limit = halved;
      listener.limitChanged(limit);
    }
  }

  /**
   * True, once, when the breaker is open and its next probe is due: the caller then probes {@code
   * verify.json} and reports with {@link #probed}.
   */
  public synchronized boolean probeDue(Instant now) {
    if (state != State.OPEN || probing || now.isBefore(nextProbeAt)) {
      return false;
    }
    probing = true;
    return true;
  }

  /** The probe's result: {@code ok} when {@code verify.json} answered 200. */
  public synchronized void probed(boolean ok, Instant now, String what) {
    probing = false;
    if (state != State.OPEN) {
      return;
    }
    if (ok) {
      change(State.HALF_OPEN, "verify.json answered 200; one call goes first");
    } else {
      probeDelay = doubled(probeDelay);
      nextProbeAt = now.plus(probeDelay);
      listener.probeFailed(what, probeDelay);
    }
  }

  private static Duration doubled(Duration d) {
    Duration twice = d.multipliedBy(2);
    return twice.compareTo(MAX_PROBE) > 0 ? MAX_PROBE : twice;
  }

  private void change(State to, String why) {
    State from = state;
    state = to;
    listener.stateChanged(from, to, why);
  }

  public synchronized State state() {
    return state;
  }

  /** Calls that may be in flight at once now. */
  public synchronized int limit() {
    return state == State.HALF_OPEN ? 1 : state == State.OPEN ? 0 : limit;
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  /** When the breaker opened, while it is not closed. */
  public synchronized Optional<Instant> openedAt() {
    return openedAt;
  }

  /** When the next probe is due, while the breaker is open and no probe is under way. */
  public synchronized Optional<Instant> nextProbeAt() {
    return state == State.OPEN && !probing ? Optional.of(nextProbeAt) : Optional.empty();
  }

  /** Until when a 429 paused the senders, if that is later than {@code now}. */
  public synchronized Optional<Instant> pausedUntil(Instant now) {
    return now.isBefore(pausedUntil) ? Optional.of(pausedUntil) : Optional.empty();
  }
}
