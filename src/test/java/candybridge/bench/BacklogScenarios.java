package candybridge.bench;

import static candybridge.bench.ScenarioRig.DEFAULT_CONCURRENCY;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scenarios of issue 6 where deliveries pile up while ReferralCandy is away and are then
 * drained: (d) a stored backlog drained after a restart ({@code backlog}), the same drained by the
 * running service ({@code outage}), and a drain against a rate-limited ReferralCandy ({@code
 * ratelimit}). Each reports how fast the calls arrive, from the restart or recovery and from the
 * first call.
 */
final class BacklogScenarios {
  /** Long enough that no call to the hung ReferralCandy times out or loses its lease. */
  private static final Map<String, String> PATIENT =
      Map.of("CANDYBRIDGE_DELIVERY_TIMEOUT", "5m", "CANDYBRIDGE_DELIVERY_LEASE", "20m");

  private final ScenarioRig rig;

  BacklogScenarios(ScenarioRig rig) {
    this.rig = rig;
  }

  /**
   * (d) 50,000 deliveries become due at once: stored while ReferralCandy hung (an outage), then the
   * service is killed and started again with ReferralCandy back. ReferralCandy here is a server of
   * finite capacity, {@code bench.rcWorkers} calls at a time at {@code bench.backlogLatencyMs} each
   * (64 x 20 ms: it allows 3,200 calls/s), warmed up before the drain as a real one would be. The
   * same stored backlog (a copy of the killed process's files) is drained twice: with as many
   * senders as ReferralCandy has workers, and with {@code bench.backlogConcurrency} senders, which
   * also covers the durable claim each sender waits for between two calls.
   */
  void backlog() throws IOException {
    Backlog backlog = Backlog.fromProperties();
    Path db = rig.work("backlog.db");
    Timeline timeline = rig.timeline();
    int from = rig.nextEvent();
    int before = timeline.deliveries();
    long accepted;
    int inDoubt;
    try (BenchReferralCandy rc = backlog.referralCandy(timeline)) {
      rc.outage();
      // Calls to the hung ReferralCandy must not time out during the fill: a timed-out call is
      // retried after a back-off, and those few would trickle in after the drain proper.
      ServiceUnderTest first = rig.service(rc, "jdbc:sqlite:" + db, 8, PATIENT);
      LoadGenerator.Result fill =
          rig.load(first)
              .closedLoop(64, Duration.ofMinutes(5), backlog.size(), rig.webhooks(first.port()));
      Row filled = Row.ofLoad("sqlite backlog fill (RC down)", fill).withProcess(first);
      first.kill();
      rig.row(filled);
      accepted = fill.ok();
      // The calls that reached the hung ReferralCandy are in doubt after the kill, never resent.
      inDoubt = timeline.deliveries() - before;
    }
    int to = rig.nextEvent();
    for (int concurrency : new int[] {backlog.workers(), backlog.concurrency()}) {
      Path copy = copyOf(db, rig.work("backlog-" + concurrency + ".db"));
      // The disk writes back the copy (and the fill) now rather than during the drain's commits:
      // a real restart finds the disk quiet, the outage having lasted longer than the write-back.
      syncDisks();
      drain(copy, concurrency, backlog, from, to, (int) accepted - inDoubt);
    }
  }

  /**
   * (d) read as an outage of ReferralCandy alone, the common case: the service keeps running while
   * 50,000 webhooks are stored against a hung ReferralCandy (its {@code bench.backlogConcurrency}
   * senders each wait on a call), then ReferralCandy recovers and the same process drains them.
   * Same ReferralCandy as in {@link #backlog}, warmed up before its outage.
   */
  void outage() throws IOException {
    Backlog backlog = Backlog.fromProperties();
    Timeline timeline = rig.timeline();
    try (BenchReferralCandy rc = backlog.referralCandy(timeline)) {
      warmUp(rc);
      rc.outage();
      try (ServiceUnderTest service =
          rig.service(rc, "jdbc:sqlite:" + rig.work("outage.db"), backlog.concurrency(), PATIENT)) {
        int from = rig.nextEvent();
        int before = timeline.deliveries();
        LoadGenerator.Result fill =
            rig.load(service)
                .closedLoop(
                    64, Duration.ofMinutes(5), backlog.size(), rig.webhooks(service.port()));
        rig.row(
            Row.ofLoad("sqlite outage fill (RC hung, the service running)", fill)
                .withProcess(service));
        int to = rig.nextEvent();
        long t0 = System.nanoTime();
        rc.recover();
        int drained = awaitDrain(timeline, before, (int) fill.ok(), t0);
        printDrain(
            String.format(
                Locale.ROOT,
                "sqlite outage drain of %d by the running service (%s), %d senders",
                drained,
                backlog.describeReferralCandy(),
                backlog.concurrency()),
            timeline,
            drained,
            from,
            to,
            t0,
            "from the recovery",
            service);
        rig.note(
            drained
                + " of the "
                + fill.ok()
                + " stored arrived; calls per second from the recovery: "
                + timeline.perSecond(from, to, t0));
      }
    }
  }

  /**
   * A backlog drained against a ReferralCandy that allows {@code bench.rateLimit} purchases a
   * second (a token bucket of one second's worth) and answers 429 with {@code Retry-After: 1} above
   * it: the service's flow control must keep it at that rate, failing nothing. {@code
   * bench.rateBacklog} deliveries are stored while ReferralCandy hangs, the service is killed, and
   * a new one drains a copy with the default concurrency (16) and with {@code
   * bench.backlogConcurrency} senders.
   */
  void rateLimited() throws IOException {
    int size = Integer.getInteger("bench.rateBacklog", 20_000);
    int perSecond = Integer.getInteger("bench.rateLimit", 300);
    Backlog backlog =
        new Backlog(
            size, Duration.ofMillis(20), 0, Integer.getInteger("bench.backlogConcurrency", 96));
    Path db = rig.work("ratelimit.db");
    Timeline timeline = rig.timeline();
    int from = rig.nextEvent();
    int before = timeline.deliveries();
    long accepted;
    int inDoubt;
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, backlog.latency())) {
      rc.outage();
      ServiceUnderTest first = rig.service(rc, "jdbc:sqlite:" + db, 8, PATIENT);
      LoadGenerator.Result fill =
          rig.load(first).closedLoop(64, Duration.ofMinutes(5), size, rig.webhooks(first.port()));
      first.kill();
      rig.row(Row.ofLoad("sqlite rate-limit backlog fill (RC down)", fill).withProcess(first));
      accepted = fill.ok();
      inDoubt = timeline.deliveries() - before;
    }
    int to = rig.nextEvent();
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, backlog.concurrency()}) {
      Path copy = copyOf(db, rig.work("ratelimit-" + concurrency + ".db"));
      syncDisks();
      Timeline arrivals = new Timeline(timeline.capacity());
      try (BenchReferralCandy rc = new BenchReferralCandy(arrivals, backlog.latency())) {
        warmUp(rc);
        rc.rateLimit(perSecond);
        long t0 = System.nanoTime();
        int expected = (int) accepted - inDoubt;
        try (ServiceUnderTest service = rig.service(rc, "jdbc:sqlite:" + copy, concurrency)) {
          int drained =
              awaitDrain(
                  arrivals, 0, expected, t0, Duration.ofSeconds(30 + 2L * expected / perSecond));
          long firstCall =
              printDrain(
                  String.format(
                      Locale.ROOT,
                      "sqlite rate-limited drain of %d (RC allows %d/s, 429 + Retry-After: 1 above), %d senders",
                      drained,
                      perSecond,
                      concurrency),
                  arrivals,
                  drained,
                  from,
                  to,
                  t0,
                  "from the restart",
                  service);
          double rate = (drained - 1) / ((arrivals.lastArrival(from, to) - firstCall) / 1e9);
          rig.note(
              String.format(
                  Locale.ROOT,
                  "rate limit %d/s, %d senders: %d of %d due arrived, %.1f %% of the limit from the first call to the"
                      + " last, %d answered 429; calls per second from the first: %s",
                  perSecond,
                  concurrency,
                  drained,
                  expected,
                  100 * rate / perSecond,
                  rc.throttled(),
                  arrivals.perSecond(from, to, firstCall)));
        }
      }
    }
  }

  /** Starts a service on a stored backlog and measures how fast {@code expected} calls arrive. */
  private void drain(Path db, int concurrency, Backlog backlog, int from, int to, int expected)
      throws IOException {
    Timeline arrivals = new Timeline(rig.timeline().capacity());
    try (BenchReferralCandy rc = backlog.referralCandy(arrivals)) {
      warmUp(rc);
      long t0 = System.nanoTime();
      try (ServiceUnderTest service = rig.service(rc, "jdbc:sqlite:" + db, concurrency)) {
        int drained = awaitDrain(arrivals, 0, expected, t0);
        long firstCall =
            printDrain(
                String.format(
                    Locale.ROOT,
                    "sqlite backlog drain of %d (%s), %d senders",
                    drained,
                    backlog.describeReferralCandy(),
                    concurrency),
                arrivals,
                drained,
                from,
                to,
                t0,
                "from the restart",
                service);
        rig.note(
            drained
                + " of the "
                + expected
                + " due arrived; calls per second from the first: "
                + arrivals.perSecond(from, to, firstCall));
      }
    }
  }

  /**
   * Prints a drain's two rows, its rate from {@code t0} ({@code since}) and from the first call
   * after {@code t0}, each to the last call; returns when that first call arrived.
   */
  private long printDrain(
      String name,
      Timeline arrivals,
      int drained,
      int from,
      int to,
      long t0,
      String since,
      ServiceUnderTest service) {
    long last = arrivals.lastArrival(from, to);
    long firstCall = arrivals.firstArrivalAfter(from, to, t0);
    rig.row(
        Row.ofDelivered(name + ", " + since, drained / ((last - t0) / 1e9)).withProcess(service));
    rig.row(
        Row.ofDelivered(name + ", first call to last", (drained - 1) / ((last - firstCall) / 1e9))
            .withProcess(service));
    return firstCall;
  }

  /**
   * Waits, 3 minutes at most from {@code t0}, for {@code expected} calls beyond {@code before}; how
   * many came.
   */
  private static int awaitDrain(Timeline arrivals, int before, int expected, long t0) {
    return awaitDrain(arrivals, before, expected, t0, Duration.ofMinutes(3));
  }

  private static int awaitDrain(
      Timeline arrivals, int before, int expected, long t0, Duration atMost) {
    long deadline = t0 + atMost.toNanos();
    while (arrivals.deliveries() - before < expected && System.nanoTime() < deadline) {
      ScenarioRig.sleep(100);
    }
    return arrivals.deliveries() - before;
  }

  /** A copy of a stopped service's SQLite files (the database, its WAL and shared memory). */
  private static Path copyOf(Path db, Path copy) throws IOException {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path file = Path.of(db + suffix);
      if (Files.exists(file)) {
        Files.copy(file, Path.of(copy + suffix), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return copy;
  }

  /**
   * {@code bench.rcWarmUp} calls to the fake ReferralCandy, so that its JIT is done before a drain.
   */
  private static void warmUp(BenchReferralCandy rc) {
    long errors = rc.warmUp(Integer.getInteger("bench.rcWarmUp", 20_000));
    if (errors > 0) {
      throw new IllegalStateException(errors + " warm-up calls to the fake ReferralCandy failed");
    }
  }

  private static void syncDisks() throws IOException {
    try {
      Process sync = new ProcessBuilder("sync").inheritIO().start();
      if (!sync.waitFor(2, TimeUnit.MINUTES) || sync.exitValue() != 0) {
        throw new IOException("sync did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
