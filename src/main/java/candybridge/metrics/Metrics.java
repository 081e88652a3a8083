package candybridge.metrics;

import static java.util.Objects.requireNonNull;

import candybridge.delivery.CallGate;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.QueueStats;
import candybridge.delivery.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Candybridge measures, as domain-named methods; the Micrometer registry never leaves
 * this class. Counters and timers are fed by the webhook route, the ingest and the worker; the
 * queue gauges read a {@link QueueStats} supplier (one store query) at most once per {@code
 * statsTtl} of the injected clock, however many gauges a scrape reads. Thread-safe; recording never
 * throws for an unexpected label value, it is counted as {@code other} instead, so a metrics slip
 * can never fail a webhook or a delivery.
 */
public final class Metrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  /** The {@code Content-Type} of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The event type label when the request never became an event (bad signature, bad body). */
  public static final String UNKNOWN_TYPE = "unknown";

  static final String OTHER = "other";
  static final Duration DEFAULT_STATS_TTL = Duration.ofSeconds(5);

  /**
   * Event types that get their own label value; any other type is {@code other}, because the type
   * comes from the request and an unbounded label would let anyone with a valid signature (or
   * Stripe adding types) grow the series without limit. The workflow triggers.
   */
  static final Set<String> KNOWN_EVENT_TYPES = candybridge.workflow.WorkflowFile.TRIGGERS;

  static final Set<String> INGEST_OUTCOMES =
      Set.of("stored", "duplicate", "ignored", "rejected", "unavailable");
  static final Set<String> BACKFILL_OUTCOMES = Set.of("stored", "duplicate", "ignored", "failed");

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  /** Commits take about a millisecond; the buckets resolve that and the stalls of a busy disk. */
  private static final Duration[] COMMIT_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)
  };

  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final Supplier<QueueStats> statsSource;
  private final Duration statsTtl;

  /** Per-request meters, looked up once: the webhook path must not build and register each time. */
  private final Map<String, Counter> webhookCounters = new ConcurrentHashMap<>();

  private volatile Timer ingestTimer;
  private final Timer commitTimer;

  /** Listens to the JVM's collectors until {@link #close}; null in {@link #noop} and tests. */
  private volatile JvmGcMetrics gcMetrics;

  private final AtomicInteger breakerState = new AtomicInteger();
  private final AtomicInteger concurrencyLimit = new AtomicInteger(-1);
  private Optional<QueueStats> cachedStats = Optional.empty();
  private Instant cachedUntil = Instant.MIN;

  Metrics(
      PrometheusMeterRegistry registry,
      Clock clock,
      Supplier<QueueStats> stats,
      Duration statsTtl) {
    this.registry = requireNonNull(registry, "registry == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.statsSource = requireNonNull(stats, "stats == null");
    this.statsTtl = requireNonNull(statsTtl, "statsTtl == null");
    registerQueueGauges();
    // Series that exist from the start, so rate() and alert rules see a 0 before the first event.
    for (Verdict v : Verdict.values()) {
      attemptCounter(v);
    }
    for (DeliveryStatus s : DeliveryStatus.values()) {
      statusChangeCounter(s);
    }
    for (CallGate.State s : CallGate.State.values()) {
      breakerTransitions(s);
    }
    Gauge.builder("candybridge.breaker.state", breakerState, AtomicInteger::get)
        .description(
            "ReferralCandy breaker: 0 closed (sending), 1 half open (one trial call), 2 open"
                + " (no new call; probing verify.json)")
        .register(registry);
    Gauge.builder("candybridge.delivery.concurrency.limit", concurrencyLimit, AtomicInteger::get)
        .description(
            "Calls to ReferralCandy allowed in flight now (flow control; the cap is"
                + " CANDYBRIDGE_DELIVERY_CONCURRENCY)")
        .register(registry);
    commitTimer =
        Timer.builder("candybridge.store.commit.duration")
            .description("Time for the database to make one commit durable")
            .serviceLevelObjectives(COMMIT_BUCKETS)
            .register(registry);
  }

  /**
   * The production metrics: our meters plus JVM memory, garbage collection, threads, CPU and
   * uptime. {@link #close} it with the service.
   *
   * @param stats reads the queue from the store; called at most once per 5 s of {@code clock}, on
   *     the scraping thread; may throw (the gauges then read NaN until the next successful read)
   */
  public static Metrics create(Clock clock, Supplier<QueueStats> stats) {
    Metrics metrics = withStatsTtl(clock, stats, DEFAULT_STATS_TTL);
    new JvmMemoryMetrics().bindTo(metrics.registry);
    metrics.gcMetrics = new JvmGcMetrics();
    metrics.gcMetrics.bindTo(metrics.registry);
    new JvmThreadMetrics().bindTo(metrics.registry);
    new ProcessorMetrics().bindTo(metrics.registry);
    new UptimeMetrics().bindTo(metrics.registry);
    return metrics;
  }

  /** Only our own meters, with a chosen cache time for the queue statistics (tests). */
  static Metrics withStatsTtl(Clock clock, Supplier<QueueStats> stats, Duration statsTtl) {
    return new Metrics(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock, stats, statsTtl);
  }

  /** Records nothing and scrapes to an empty page: for tests and tools that do not care. */
  public static Metrics noop() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny());
    return new Metrics(registry, Clock.systemUTC(), QueueStats::empty, DEFAULT_STATS_TTL);
  }

  /**
   * One request to {@code POST /webhooks/stripe} was answered.
   *
   * @param eventType the Stripe event type, or {@link #UNKNOWN_TYPE} (or null) when no event was
   *     parsed; types outside the known set are counted as {@code other}
   * @param outcome {@code stored}, {@code duplicate}, {@code ignored}, {@code rejected} (400/413)
   *     or {@code unavailable} (503)
   */
  public void webhookReceived(String eventType, String outcome) {
    String type = typeLabel(eventType);
    String result = bounded(outcome, INGEST_OUTCOMES);
    webhookCounters
        .computeIfAbsent(
            type + ' ' + result,
            k ->
                Counter.builder("candybridge.webhooks.received")
                    .description("Stripe webhook requests answered, by event type and outcome")
                    .tag("type", type)
                    .tag("outcome", result)
                    .register(registry))
        .increment();
  }

  /** How long one webhook took from the first byte read to the answer. */
  public void ingestLatency(Duration duration) {
    Timer timer = ingestTimer;
    if (timer == null) {
      // A race registers twice at worst; the registry hands both callers the same meter.
      timer =
          Timer.builder("candybridge.ingest.duration")
              .description("Time to verify, plan and durably store one Stripe webhook")
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry);
      ingestTimer = timer;
    }
    timer.record(duration);
  }

  /**
   * One durable commit of the store returned: on SQLite one group commit (its WAL write and fsync)
   * that many webhooks and delivery updates waited for together; on PostgreSQL one transaction.
   */
  public void storeCommit(Duration duration) {
    commitTimer.record(duration);
  }

  /** One call to ReferralCandy finished (or was resolved as in doubt) with this verdict. */
  public void attemptFinished(Verdict verdict, Duration duration) {
    attemptCounter(verdict).increment();
    Timer.builder("candybridge.delivery.attempt.duration")
        .description("Duration of ReferralCandy calls, by verdict")
        .tag("verdict", verdict.wireName())
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(duration);
  }

  /** The ReferralCandy breaker moved to {@code to}. */
  public void breakerChanged(CallGate.State to) {
    breakerState.set(
        switch (to) {
          case CLOSED -> 0;
          case HALF_OPEN -> 1;
          case OPEN -> 2;
        });
    breakerTransitions(to).increment();
  }

  /** Flow control set the calls allowed in flight to {@code limit}. */
  public void concurrencyLimit(int limit) {
    concurrencyLimit.set(limit);
  }

  private Counter breakerTransitions(CallGate.State to) {
    return Counter.builder("candybridge.breaker.transitions")
        .description("Times the ReferralCandy breaker moved, by the state it moved to")
        .tag("to", to.wireName())
        .register(registry);
  }

  /** A delivery moved to {@code status} (recorded by the worker, recovery or a replay). */
  public void deliveryStatusChanged(DeliveryStatus status) {
    statusChangeCounter(status).increment();
  }

  /**
   * A backfill from Stripe's Events API handled {@code n} events with this outcome ({@code stored},
   * {@code duplicate}, {@code ignored}, {@code failed}).
   */
  public void backfillEvents(String outcome, int n) {
    if (n < 0) throw new IllegalArgumentException("n < 0: " + n);
    Counter.builder("candybridge.backfill.events")
        .description("Events handled by backfill from Stripe's Events API, by outcome")
        .tag("outcome", bounded(outcome, BACKFILL_OUTCOMES))
        .register(registry)
        .increment(n);
  }

  /**
   * The queue statistics, from the cache when younger than the cache time, else read now. Empty
   * when the store could not be read. Lets the backlog alert share the scrape's query.
   */
  public synchronized Optional<QueueStats> queueStats() {
    Instant now = clock.instant();
    if (now.isBefore(cachedUntil)) {
      return cachedStats;
    }
    try {
      cachedStats = Optional.of(statsSource.get());
    } catch (RuntimeException e) {
      log.warn("queue statistics unavailable: {}", e.toString());
      cachedStats = Optional.empty();
    }
    cachedUntil = now.plus(statsTtl);
    return cachedStats;
  }

  /** Stops listening to the JVM's garbage collectors; the meters stay readable. */
  @Override
  public void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }

  /** Every meter in Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  private void registerQueueGauges() {
    for (DeliveryStatus s : DeliveryStatus.values()) {
      gauge("candybridge.deliveries", "Deliveries by status", q -> q.count(s))
          .tag("status", s.wireName())
          .register(registry);
    }
    gauge("candybridge.queue.depth", "Pending deliveries due now", QueueStats::dueNow)
        .register(registry);
    gauge(
            "candybridge.queue.oldest.due.age",
            "How long the most overdue pending delivery has waited; 0 when none is due",
            q -> q.oldestDueAge().map(d -> d.toMillis() / 1000.0).orElse(0.0))
        .baseUnit("seconds")
        .register(registry);
    gauge(
            "candybridge.deliveries.in.doubt",
            "Deliveries that may have reached ReferralCandy and wait for an operator",
            q -> q.count(DeliveryStatus.IN_DOUBT))
        .register(registry);
  }

  private Gauge.Builder<Metrics> gauge(
      String name, String description, ToDoubleFunction<QueueStats> read) {
    return Gauge.builder(
            name, this, m -> m.queueStats().map(read::applyAsDouble).orElse(Double.NaN))
        .description(description)
        .strongReference(true);
  }

  private Counter attemptCounter(Verdict verdict) {
    return Counter.builder("candybridge.delivery.attempts")
        .description("ReferralCandy calls finished, by verdict")
        .tag("verdict", verdict.wireName())
        .register(registry);
  }

  private Counter statusChangeCounter(DeliveryStatus status) {
    return Counter.builder("candybridge.delivery.status.changes")
        .description("Deliveries moved to a status")
        .tag("status", status.wireName())
        .register(registry);
  }

  static String typeLabel(String eventType) {
    if (eventType == null || eventType.equals(UNKNOWN_TYPE)) {
      return UNKNOWN_TYPE;
    }
    return KNOWN_EVENT_TYPES.contains(eventType) ? eventType : OTHER;
  }

  private static String bounded(String value, Set<String> allowed) {
    return value != null && allowed.contains(value) ? value : OTHER;
  }
}
