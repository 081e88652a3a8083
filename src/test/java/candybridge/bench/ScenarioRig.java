package candybridge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every scenario of one benchmark run stands on: the settings, where rows and notes go, the
 * timeline of sent and delivered events (numbered across the whole run), the services it starts
 * (the service's settings, a log and a database each) and the signed webhook load it sends them.
 * One thread: the scenarios run one after another.
 */
final class ScenarioRig {
  /** The service's own default of {@code CANDYBRIDGE_DELIVERY_CONCURRENCY} (ConfigLoader). */
  static final int DEFAULT_CONCURRENCY = 16;

  /** The closed loop before each measured one. */
  static final Duration WARM_UP = Duration.ofSeconds(5);

  private static final String STRIPE_SECRET = "whsec_candybridge_bench";

  private final Scenarios.Settings settings;
  private final Consumer<Row> out;
  private final Consumer<String> notes;
  private final Timeline timeline = new Timeline(2_000_000);
  private final AtomicInteger nextEvent = new AtomicInteger();
  private final String run = "b" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private int services;

  ScenarioRig(Scenarios.Settings settings, Consumer<Row> out, Consumer<String> notes) {
    this.settings = settings;
    this.out = out;
    this.notes = notes;
  }

  Scenarios.Settings settings() {
    return settings;
  }

  /** A file or folder of this name in the run's work folder. */
  Path work(String name) {
    return settings.work().resolve(name);
  }

  /** The run's id, unique enough to name its memory cgroups. */
  String run() {
    return run;
  }

  Timeline timeline() {
    return timeline;
  }

  /** The number the next event sent will have. */
  int nextEvent() {
    return nextEvent.get();
  }

  /** Prints a row of the table. */
  void row(Row row) {
    out.accept(row);
  }

  /** Prints a remark beside the figures. */
  void note(String note) {
    notes.accept(note);
  }

  /** {@code seconds} times {@code bench.scale}. */
  Duration scaled(int seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000 * settings.scale()));
  }

  /** A load generator for these services' ports, numbering events for the whole run. */
  LoadGenerator load(int[] ports) {
    return new LoadGenerator(ports, nextEvent, timeline.capacity());
  }

  LoadGenerator load(ServiceUnderTest service) {
    return load(new int[] {service.port()});
  }

  /** Signed checkout webhooks to this port, each sending time noted on the timeline. */
  LoadGenerator.Requests webhooks(int port) {
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

  /** A service on a new SQLite file in the work folder. */
  ServiceUnderTest sqlite(BenchReferralCandy rc, int concurrency) {
    return service(rc, "jdbc:sqlite:" + work("bench-" + (services + 1) + ".db"), concurrency);
  }

  ServiceUnderTest service(BenchReferralCandy rc, String databaseUrl, int concurrency) {
    return service(rc, databaseUrl, concurrency, Map.of());
  }

  ServiceUnderTest service(
      BenchReferralCandy rc, String databaseUrl, int concurrency, Map<String, String> more) {
    return service(rc, databaseUrl, concurrency, more, List.of());
  }

  /**
   * @param more settings beyond those of {@link #serviceEnv}, the database and the concurrency
   * @param wrapper the command the service's command is run under, e.g. a memory limit's
   */
  ServiceUnderTest service(
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
        settings.launch(), wrapper, env, work("service-" + services + ".log"));
  }

  /** The settings every service of the harness gets: secrets, the fake ReferralCandy, test mode. */
  static Map<String, String> serviceEnv(BenchReferralCandy rc) {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET);
    env.put("REFERRALCANDY_ACCESS_ID", BenchReferralCandy.ACCESS_ID);
    env.put("REFERRALCANDY_SECRET_KEY", BenchReferralCandy.SECRET);
    env.put("REFERRALCANDY_API_BASE", rc.apiBase());
    env.put("CANDYBRIDGE_STRIPE_MODE", "test"); // the checkout events are test-mode fixtures
    return env;
  }

  /** Prints the service's commits and collector pauses during the row's load window. */
  void noteService(Row row, ServiceUnderTest service, ServiceMetrics before) {
    notes.accept(row.scenario() + ": " + ServiceMetrics.scrape(service.port()).since(before));
  }

  /**
   * The row with the end-to-end latency and delivery rate of events {@code from} to {@code to},
   * once they have arrived or {@code wait} has passed.
   */
  Row withDeliveries(Row row, int from, int to, Duration wait) {
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

  static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
