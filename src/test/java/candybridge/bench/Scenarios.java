package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The scenarios of issue 6, each bounded in time and in request count. */
final class Scenarios {
  /** The service's own default of {@code CANDYBRIDGE_DELIVERY_CONCURRENCY} (ConfigLoader). */
  static final int DEFAULT_CONCURRENCY = 16;

  /**
   * @param scale multiplies every measured duration (1.0 = the 30 s / 60 s)
   */
  record Settings(Launch launch, Path work, double scale, int tunedConcurrency) {}

  private static final String STRIPE_SECRET = "whsec_candybridge_bench";
  private static final Duration WARM_UP = Duration.ofSeconds(5);

  private final Settings settings;
  private final Consumer<Row> out;
  private final Consumer<String> notes;
  private final Timeline timeline = new Timeline(2_000_000);
  private final AtomicInteger nextEvent = new AtomicInteger();
  private final String run = "b" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private int services;

  /**
   * @param notes takes a remark printed beside the figures (as a Markdown comment)
   */
  Scenarios(Settings settings, Consumer<Row> out, Consumer<String> notes) {
    this.settings = settings;
    this.out = out;
    this.notes = notes;
  }

  void run(String scenario) throws Exception {
    switch (scenario) {
      case "healthz" -> healthz();
      case "ingest" -> ingest();
      case "steady" -> steady();
      case "slow-rc" -> slowReferralCandy();
      case "backlog" -> backlog();
      case "outage" -> outage();
      case "ratelimit" -> rateLimited();
      case "image" -> image();
      case "postgres" -> postgres();
      case "limit256" -> memoryLimit();
      default -> throw new IllegalArgumentException(scenario);
    }
  }

  /** (e) The plain-HTTP ceiling of the same server: GET /healthz, closed loop. */
  private void healthz() throws IOException {
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO);
        ServiceUnderTest service = sqlite(rc, 8)) {
      byte[] get = CheckoutEvents.get("/healthz", service.port());
      // Requests without event numbers: their own counter, so they use up none.
      LoadGenerator load =
          new LoadGenerator(new int[] {service.port()}, new AtomicInteger(), Integer.MAX_VALUE);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, (i, n) -> get);
      for (int c : new int[] {16, 64}) {
        out.accept(
            Row.ofLoad(
                    "healthz c=" + c, load.closedLoop(c, scaled(30), Long.MAX_VALUE, (i, n) -> get))
                .withProcess(service));
      }
    }
  }

  /** (a) Ingest saturation, SQLite, closed loop at 16 and 64 connections. */
  private void ingest() throws IOException {
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO);
        ServiceUnderTest service = sqlite(rc, 8)) {
      LoadGenerator load = load(service);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, webhooks(service.port()));
      for (int c : new int[] {16, 64}) {
        int from = nextEvent.get();
        ServiceMetrics before = ServiceMetrics.scrape(service.port());
        Row row =
            Row.ofLoad(
                "sqlite ingest c=" + c,
                load.closedLoop(c, scaled(30), Long.MAX_VALUE, webhooks(service.port())));
        noteService(row, service, before);
        out.accept(
            withDeliveries(row, from, nextEvent.get(), Duration.ofSeconds(10))
                .withProcess(service));
      }
    }
  }

  /**
   * The container image (README "Container image") under a {@code bench.imageMemory} (256m) memory
   * limit with no swap, at the ingest load: c=16 to warm up, then c=64 for 30 s. The image is
   * {@code bench.image}, or the one {@code target/candybridge-image.tar} loads as; its own JVM
   * flags (the entrypoint's {@code -XX:MaxRAMPercentage=75}) and nothing of the harness's.
   */
  private void image() throws IOException {
    String image = System.getProperty("bench.image");
    if (image == null) {
      Process load =
          new ProcessBuilder("podman", "load", "-q", "-i", "target/candybridge-image.tar")
              .redirectErrorStream(true)
              .start();
      String out = new String(load.getInputStream().readAllBytes(), UTF_8);
      image =
          out.lines()
              .filter(l -> l.startsWith("Loaded image"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .reduce((a, b) -> b)
              .orElseThrow(() -> new IllegalStateException("podman load: " + out));
    }
    String memory = System.getProperty("bench.imageMemory", "256m");
    Path data = Files.createDirectories(settings.work().resolve("image-data-" + System.nanoTime()));
    Files.setPosixFilePermissions(
        data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO)) {
      try (ServiceUnderTest service =
          ServiceUnderTest.startImage(
              image,
              memory,
              data,
              serviceEnv(rc),
              settings.work().resolve("image-" + System.nanoTime() + ".log"))) {
        LoadGenerator load = load(service);
        load.closedLoop(16, WARM_UP, Long.MAX_VALUE, webhooks(service.port()));
        int from = nextEvent.get();
        Row row =
            Row.ofLoad(
                "image under " + memory + " (no swap) ingest c=64",
                load.closedLoop(64, scaled(30), Long.MAX_VALUE, webhooks(service.port())));
        out.accept(
            withDeliveries(row, from, nextEvent.get(), Duration.ofSeconds(10))
                .withProcess(service));
        notes.accept(
            "image "
                + image
                + " under "
                + memory
                + ": OOMKilled="
                + service.oomKilled()
                + "; peak RSS column = the container's memory cgroup peak (page cache included)");
      }
    }
  }

  /**
   * The c=64 ingest load with the service inside a 256 MiB memory limit and no swap, as in a small
   * container or under systemd's {@code MemoryMax=256M}: it must hold, with no OutOfMemoryError and
   * no OOM kill. Reported as blocked when the harness cannot make the cgroup (not root, no
   * controller).
   */
  private void memoryLimit() throws IOException {
    // bench.memoryLimitMiB: another limit, e.g. a larger one as a control for the same load.
    long mib = Long.getLong("bench.memoryLimitMiB", 256);
    MemoryLimit limit;
    try {
      limit = MemoryLimit.create(run + "-limit" + mib, mib << 20);
    } catch (IOException | RuntimeException e) {
      notes.accept("limit256 blocked: no memory cgroup could be made (" + e + ")");
      return;
    }
    try (limit;
        BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO);
        ServiceUnderTest service =
            service(
                rc,
                "jdbc:sqlite:" + settings.work().resolve("limit256.db"),
                8,
                Map.of(),
                limit.wrapper())) {
      LoadGenerator load = load(service);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, webhooks(service.port()));
      int from = nextEvent.get();
      ServiceMetrics before = ServiceMetrics.scrape(service.port());
      Row row =
          Row.ofLoad(
              "sqlite ingest c=64 in a " + mib + " MiB memory limit, no swap",
              load.closedLoop(64, scaled(30), Long.MAX_VALUE, webhooks(service.port())));
      noteService(row, service, before);
      out.accept(
          withDeliveries(row, from, nextEvent.get(), Duration.ofSeconds(10)).withProcess(service));
      notes.accept(
          "limit256: "
              + limit.report()
              + "; service still running: "
              + service.alive()
              + "; OutOfMemoryError in its output: "
              + service.loggedOutOfMemory());
    }
  }

  /** (b) Steady 500 events/s, open loop; end-to-end latency to ReferralCandy. */
  private void steady() throws IOException {
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, settings.tunedConcurrency()}) {
      try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO);
          ServiceUnderTest service = sqlite(rc, concurrency)) {
        LoadGenerator load = load(service);
        load.openLoop(500, Duration.ofSeconds(10), 64, webhooks(service.port()));
        int from = nextEvent.get();
        ServiceMetrics before = ServiceMetrics.scrape(service.port());
        Row row =
            Row.ofLoad(
                "sqlite steady 500/s, delivery concurrency " + concurrency,
                load.openLoop(500, scaled(60), 64, webhooks(service.port())));
        noteService(row, service, before);
        out.accept(
            withDeliveries(row, from, nextEvent.get(), Duration.ofSeconds(10))
                .withProcess(service));
      }
    }
  }

  /**
   * (c) ReferralCandy answering in 200 ms: delivery throughput at the default and a tuned
   * concurrency.
   */
  private void slowReferralCandy() throws IOException {
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, settings.tunedConcurrency()}) {
      try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ofMillis(200));
          ServiceUnderTest service = sqlite(rc, concurrency)) {
        int events = Math.max(400, concurrency * 5 * 20);
        int from = nextEvent.get();
        Row row =
            Row.ofLoad(
                "sqlite RC 200 ms, delivery concurrency " + concurrency,
                load(service).closedLoop(16, scaled(60), events, webhooks(service.port())));
        out.accept(withDeliveries(row, from, nextEvent.get(), scaled(20)).withProcess(service));
      }
    }
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
  private void backlog() throws IOException {
    Backlog backlog = Backlog.fromProperties();
    Path db = settings.work().resolve("backlog.db");
    int from = nextEvent.get();
    int before = timeline.deliveries();
    long accepted;
    int inDoubt;
    try (BenchReferralCandy rc = backlog.referralCandy(timeline)) {
      rc.outage();
      // Calls to the hung ReferralCandy must not time out during the fill: a timed-out call is
      // retried after a back-off, and those few would trickle in after the drain proper.
      ServiceUnderTest first =
          service(
              rc,
              "jdbc:sqlite:" + db,
              8,
              Map.of("CANDYBRIDGE_DELIVERY_TIMEOUT", "5m", "CANDYBRIDGE_DELIVERY_LEASE", "20m"));
      LoadGenerator.Result fill =
          load(first).closedLoop(64, Duration.ofMinutes(5), backlog.size(), webhooks(first.port()));
      Row filled = Row.ofLoad("sqlite backlog fill (RC down)", fill).withProcess(first);
      first.kill();
      out.accept(filled);
      accepted = fill.ok();
      // The calls that reached the hung ReferralCandy are in doubt after the kill, never resent.
      inDoubt = timeline.deliveries() - before;
    }
    int to = nextEvent.get();
    for (int concurrency : new int[] {backlog.workers(), backlog.concurrency()}) {
      Path copy = copyOf(db, settings.work().resolve("backlog-" + concurrency + ".db"));
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
  private void outage() throws IOException {
    Backlog backlog = Backlog.fromProperties();
    try (BenchReferralCandy rc = backlog.referralCandy(timeline)) {
      warmUp(rc);
      rc.outage();
      try (ServiceUnderTest service =
          service(
              rc,
              "jdbc:sqlite:" + settings.work().resolve("outage.db"),
              backlog.concurrency(),
              Map.of("CANDYBRIDGE_DELIVERY_TIMEOUT", "5m", "CANDYBRIDGE_DELIVERY_LEASE", "20m"))) {
        int from = nextEvent.get();
        int before = timeline.deliveries();
        LoadGenerator.Result fill =
            load(service)
                .closedLoop(64, Duration.ofMinutes(5), backlog.size(), webhooks(service.port()));
        out.accept(
            Row.ofLoad("sqlite outage fill (RC hung, the service running)", fill)
                .withProcess(service));
        int to = nextEvent.get();
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
        notes.accept(
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
  private void rateLimited() throws IOException {
    int size = Integer.getInteger("bench.rateBacklog", 20_000);
    int perSecond = Integer.getInteger("bench.rateLimit", 300);
    Backlog backlog =
        new Backlog(
            size, Duration.ofMillis(20), 0, Integer.getInteger("bench.backlogConcurrency", 96));
    Path db = settings.work().resolve("ratelimit.db");
    int from = nextEvent.get();
    int before = timeline.deliveries();
    long accepted;
    int inDoubt;
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, backlog.latency())) {
      rc.outage();
      ServiceUnderTest first =
          service(
              rc,
              "jdbc:sqlite:" + db,
              8,
              Map.of("CANDYBRIDGE_DELIVERY_TIMEOUT", "5m", "CANDYBRIDGE_DELIVERY_LEASE", "20m"));
      LoadGenerator.Result fill =
          load(first).closedLoop(64, Duration.ofMinutes(5), size, webhooks(first.port()));
      first.kill();
      out.accept(Row.ofLoad("sqlite rate-limit backlog fill (RC down)", fill).withProcess(first));
      accepted = fill.ok();
      inDoubt = timeline.deliveries() - before;
    }
    int to = nextEvent.get();
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, backlog.concurrency()}) {
      Path copy = copyOf(db, settings.work().resolve("ratelimit-" + concurrency + ".db"));
      syncDisks();
      Timeline arrivals = new Timeline(timeline.capacity());
      try (BenchReferralCandy rc = new BenchReferralCandy(arrivals, backlog.latency())) {
        warmUp(rc);
        rc.rateLimit(perSecond);
        long t0 = System.nanoTime();
        int expected = (int) accepted - inDoubt;
        try (ServiceUnderTest service = service(rc, "jdbc:sqlite:" + copy, concurrency)) {
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
          notes.accept(
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

  /** Starts a service on a stored backlog and measures how fast {@code expected} calls arrive. */
  private void drain(Path db, int concurrency, Backlog backlog, int from, int to, int expected)
      throws IOException {
    Timeline arrivals = new Timeline(timeline.capacity());
    try (BenchReferralCandy rc = backlog.referralCandy(arrivals)) {
      warmUp(rc);
      long t0 = System.nanoTime();
      try (ServiceUnderTest service = service(rc, "jdbc:sqlite:" + db, concurrency)) {
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
        notes.accept(
            drained
                + " of the "
                + expected
                + " due arrived; calls per second from the first: "
                + arrivals.perSecond(from, to, firstCall));
      }
    }
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
      sleep(100);
    }
    return arrivals.deliveries() - before;
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
    out.accept(
        Row.ofDelivered(name + ", " + since, drained / ((last - t0) / 1e9)).withProcess(service));
    out.accept(
        Row.ofDelivered(name + ", first call to last", (drained - 1) / ((last - firstCall) / 1e9))
            .withProcess(service));
    return firstCall;
  }

  /**
   * ReferralCandy and the backlog of the {@code backlog} and {@code outage} scenarios (bench.*
   * properties).
   */
  private record Backlog(int size, Duration latency, int workers, int concurrency) {
    static Backlog fromProperties() {
      return new Backlog(
          Integer.getInteger("bench.backlog", 50_000),
          Duration.ofMillis(Integer.getInteger("bench.backlogLatencyMs", 20)),
          Integer.getInteger("bench.rcWorkers", 64),
          Integer.getInteger("bench.backlogConcurrency", 96));
    }

    /** A fake ReferralCandy of {@code workers} calls at a time, {@code latency} each. */
    BenchReferralCandy referralCandy(Timeline arrivals) throws IOException {
      return new BenchReferralCandy(arrivals, latency, workers);
    }

    /** E.g. "RC 64 x 20 ms: allows 3200/s". */
    String describeReferralCandy() {
      return String.format(
          Locale.ROOT,
          "RC %d x %d ms: allows %d/s",
          workers,
          latency.toMillis(),
          workers * 1000L / Math.max(1, latency.toMillis()));
    }
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

  /** (a) on embedded PostgreSQL (fsync and synchronous_commit on), one and two instances. */
  private void postgres() throws IOException {
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "100")
                .start();
        BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO)) {
      for (int instances : new int[] {1, 2}) {
        String url = freshDatabase(pg, "bench_" + instances);
        List<ServiceUnderTest> started = new ArrayList<>();
        try {
          for (int i = 0; i < instances; i++) {
            started.add(service(rc, url, 8));
          }
          int[] ports = started.stream().mapToInt(ServiceUnderTest::port).toArray();
          LoadGenerator load = new LoadGenerator(ports, nextEvent, timeline.capacity());
          load.closedLoop(16, WARM_UP, Long.MAX_VALUE, webhooks(ports[0]));
          int from = nextEvent.get();
          Row row =
              Row.ofLoad(
                  "postgres x" + instances + " ingest c=64",
                  load.closedLoop(64, scaled(30), Long.MAX_VALUE, webhooks(ports[0])));
          out.accept(
              withDeliveries(row, from, nextEvent.get(), Duration.ofSeconds(10))
                  .withProcess(started.get(0)));
        } finally {
          started.forEach(ServiceUnderTest::close);
        }
      }
    }
  }

  private static String freshDatabase(EmbeddedPostgres pg, String name) {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** Prints the service's commits and collector pauses during the row's load window. */
  private void noteService(Row row, ServiceUnderTest service, ServiceMetrics before) {
    notes.accept(row.scenario() + ": " + ServiceMetrics.scrape(service.port()).since(before));
  }

  private Row withDeliveries(Row row, int from, int to, Duration wait) {
    awaitDeliveries(from, to, (int) Math.round(row.acceptedPerSecond()), wait);
    return row.withEndToEnd(timeline.endToEnd(from, to), timeline.deliveredPerSecond(from, to));
  }

  /** Waits until the deliveries seen reach {@code expected} more or {@code wait} passes. */
  private void awaitDeliveries(int from, int to, int expected, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline
        && timeline.endToEnd(from, to).count() < Math.min(expected, to - from)
        && !settled(from, to)) {
      sleep(200);
    }
  }

  /** Everything sent so far has arrived. */
  private boolean settled(int from, int to) {
    return timeline.endToEnd(from, to).count() >= to - from;
  }

  private LoadGenerator.Requests webhooks(int port) {
    Map<Integer, CheckoutEvents> perThread = new HashMap<>();
    return new LoadGenerator.Requests() {
      @Override
      public byte[] request(int thread, int n) {
        CheckoutEvents events;
        synchronized (perThread) {
          events =
              perThread.computeIfAbsent(thread, t -> new CheckoutEvents(run, STRIPE_SECRET, port));
        }
        return events.request(n);
      }

      @Override
      public void onSend(int n, long nanos) {
        timeline.sent(n, nanos);
      }
    };
  }

  private LoadGenerator load(ServiceUnderTest service) {
    return new LoadGenerator(new int[] {service.port()}, nextEvent, timeline.capacity());
  }

  private ServiceUnderTest sqlite(BenchReferralCandy rc, int concurrency) {
    return service(
        rc,
        "jdbc:sqlite:" + settings.work().resolve("bench-" + (services + 1) + ".db"),
        concurrency);
  }

  private ServiceUnderTest service(BenchReferralCandy rc, String databaseUrl, int concurrency) {
    return service(rc, databaseUrl, concurrency, Map.of());
  }

  private ServiceUnderTest service(
      BenchReferralCandy rc, String databaseUrl, int concurrency, Map<String, String> more) {
    return service(rc, databaseUrl, concurrency, more, List.of());
  }

  private ServiceUnderTest service(
      BenchReferralCandy rc,
      String databaseUrl,
      int concurrency,
      Map<String, String> more,
      List<String> wrapper) {
    services++;
    Map<String, String> env = serviceEnv(rc);
    env.put("CANDYBRIDGE_DATABASE_URL", databaseUrl);
    env.put("CANDYBRIDGE_DELIVERY_CONCURRENCY", Integer.toString(concurrency));
    env.putAll(more);
    return ServiceUnderTest.start(
        settings.launch(), wrapper, env, settings.work().resolve("service-" + services + ".log"));
  }

  /** The settings every service of the harness gets: secrets, the fake ReferralCandy, test mode. */
  private static Map<String, String> serviceEnv(BenchReferralCandy rc) {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET);
    env.put("REFERRALCANDY_ACCESS_ID", BenchReferralCandy.ACCESS_ID);
    env.put("REFERRALCANDY_SECRET_KEY", BenchReferralCandy.SECRET);
    env.put("REFERRALCANDY_API_BASE", rc.apiBase());
    env.put("CANDYBRIDGE_STRIPE_MODE", "test"); // the checkout events are test-mode fixtures
    return env;
  }

  private Duration scaled(int seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000 * settings.scale()));
  }

  private static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
