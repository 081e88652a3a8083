package candybridge.app;

import candybridge.admin.AdminRoutes;
import candybridge.admin.AdminStatus;
import candybridge.alert.AlertDestinations;
import candybridge.alert.AlertSettings;
import candybridge.alert.Alerts;
import candybridge.alert.BacklogWatch;
import candybridge.alert.SmtpSettings;
import candybridge.config.Config;
import candybridge.config.Secret;
import candybridge.delivery.DeliveryWorker;
import candybridge.delivery.Enrichment;
import candybridge.delivery.Replay;
import candybridge.delivery.RetryPolicy;
import candybridge.http.Json;
import candybridge.ingest.Backfill;
import candybridge.ingest.Reconciliation;
import candybridge.ingest.StripeIngest;
import candybridge.metrics.Metrics;
import candybridge.referralcandy.HttpReferralCandy;
import candybridge.referralcandy.ReferralCandy;
import candybridge.store.DatabaseWait;
import candybridge.store.JdbcStore;
import candybridge.store.ServeLock;
import candybridge.stripe.CachingStripeApi;
import candybridge.stripe.StripeJavaApi;
import candybridge.stripe.StripeJavaEvents;
import candybridge.stripe.StripeSignatureVerifier;
import candybridge.workflow.Lookups;
import candybridge.workflow.StripeLookups;
import candybridge.workflow.Workflow;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every piece by hand, starts it, and closes it in reverse. Tests
 * start this same class (with a temp SQLite file, fake ReferralCandy and Stripe, a settable clock).
 */
public final class App implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(App.class);
  private static final Duration BACKLOG_ALERT_AFTER = Duration.ofMinutes(15);

  /**
   * @param runWorker false in tests that drive {@code worker().runOnce()} themselves; also keeps
   *     the timers (retention, backlog watch, reconciliation) off
   */
  public record Options(boolean runWorker) {
    public static Options production() {
      return new Options(true);
    }
  }

  private final JdbcStore store;
  private final DeliveryWorker worker;
  private final Metrics metrics;
  private final Alerts alerts;
  private final Javalin http;

  /** Everything to close, last started first. */
  private final Deque<AutoCloseable> closing;

  private App(
      JdbcStore store,
      DeliveryWorker worker,
      Metrics metrics,
      Alerts alerts,
      Javalin http,
      Deque<AutoCloseable> closing) {
    this.store = store;
    this.worker = worker;
    this.metrics = metrics;
    this.alerts = alerts;
    this.http = http;
    this.closing = closing;
  }

  public static App start(Config config, Workflow configured, Clock clock, Options options) {
    log.info("starting with {}", config.describe());
    // CANDYBRIDGE_STRIPE_MODE gates every workflow, for webhooks, reconciliation and dry-runs
    // alike.
    Workflow workflow = configured.inMode(config.stripe().mode());
    Deque<AutoCloseable> closing = new ArrayDeque<>();
    // One serve per SQLite file (docs/design.md §7), taken before the store opens and released
    // last.
    ServeLock.acquire(config.store().databaseUrl(), clock.instant()).ifPresent(closing::push);
    try {
      JdbcStore store =
          JdbcStore.open(
              config.store().databaseUrl(),
              config.store().poolSize(),
              DatabaseWait.upTo(config.store().databaseWait(), config.store().shownUrl()),
              clock.instant());
      closing.push(store);
      Metrics metrics = Metrics.create(clock, () -> store.queueStats(clock.instant()));
      closing.push(metrics);
      store.onCommit(metrics::storeCommit);
      Alerts alerts = alerts(config, clock);
      closing.push(alerts::close);
      if (options.runWorker()) {
        alerts.startTicking();
      }
      Lookups lookups = lookups(config, clock);
      Config.ReferralCandy rc = config.referralCandy();
      HttpReferralCandy referralCandy =
          new HttpReferralCandy(rc.apiBase(), rc.accessId(), rc.secretKey(), clock, rc.timeout());
      closing.push(referralCandy);
      DeliveryWorker worker =
          worker(
              config,
              workflow,
              clock,
              store,
              referralCandy,
              lookups,
              new DeliveryObserver(metrics, alerts, clock));
      closing.push(worker);
      worker.recoverAbandoned(store.isSingleInstance());

      StripeIngest ingest =
          new StripeIngest(
              workflow, config.stripe().apiKey().isPresent(), store, clock, worker::wake);
      Json json = new Json();
      StripeWebhookRoute webhook =
          new StripeWebhookRoute(
              new StripeSignatureVerifier(config.stripe().webhookSecrets(), clock),
              ingest,
              json,
              metrics);
      Optional<AdminRoutes> admin =
          config
              .admin()
              .token()
              .map(
                  token ->
                      new AdminRoutes(
                          token,
                          store,
                          store.history(),
                          new Replay(store, clock, worker::wake),
                          workflow,
                          lookups,
                          clock,
                          new AdminStatus(
                              store, store.history(), worker.gate(), config.stripe().mode(), clock),
                          (ctx, body) -> json.respond(ctx, 200, body)));
      Javalin http =
          HttpServerSetup.create(config.http(), webhook, store, json, metrics, admin).start();
      closing.push(http::stop);

      if (options.runWorker()) {
        worker.start();
        closing.push(new Housekeeping(store, clock, config.store().retention()).start());
        closing.push(BacklogWatch.start(alerts, metrics::queueStats, Duration.ofMinutes(1))::close);
        reconciliation(config, workflow, clock, ingest)
            .ifPresent(
                r -> {
                  r.start();
                  closing.push(r::close);
                });
      }
      App app = new App(store, worker, metrics, alerts, http, closing);
      StartupReport.log(config, workflow, options.runWorker(), app.port());
      return app;
    } catch (RuntimeException e) {
      closeAll(closing);
      throw e;
    }
  }

  private static DeliveryWorker worker(
      Config config,
      Workflow workflow,
      Clock clock,
      JdbcStore store,
      ReferralCandy referralCandy,
      Lookups lookups,
      DeliveryObserver observer) {
    Config.Delivery d = config.delivery();
    return new DeliveryWorker(
        store,
        referralCandy,
        clock,
        new DeliveryWorker.Settings(
            instanceId(),
            d.batchSize(),
            d.concurrency(),
            d.lease(),
            d.pollInterval(),
            new RetryPolicy(d.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble()),
            d.onUncertain()),
        new Enrichment(store, workflow, lookups),
        observer);
  }

  /** Stripe API lookups for enrichment, cached; none without an API key. */
  /**
   * Alerts to the webhook and by e-mail, each when set; links to the admin page when it is on and
   * its public address is known (CANDYBRIDGE_PUBLIC_URL).
   */
  private static Alerts alerts(Config config, Clock clock) {
    Optional<SmtpSettings> email =
        config
            .alerting()
            .email()
            .map(
                e ->
                    new SmtpSettings(
                        e.smtp().implicitTls(),
                        e.smtp().host(),
                        e.smtp().port(),
                        e.smtp().user(),
                        e.smtp().password().map(Secret::reveal),
                        e.from(),
                        e.to()));
    AlertSettings settings =
        new AlertSettings(
            AlertSettings.defaults().timeout(),
            AlertSettings.defaults().retryDelays(),
            AlertSettings.defaults().queueCapacity(),
            BACKLOG_ALERT_AFTER,
            config.admin().token().isPresent() ? config.alerting().adminPage() : Optional.empty());
    return Alerts.start(
        new AlertDestinations(config.delivery().alertWebhookUrl(), email), clock, settings);
  }

  private static Lookups lookups(Config config, Clock clock) {
    return config
        .stripe()
        .apiKey()
        .<Lookups>map(
            key ->
                new StripeLookups(
                    new CachingStripeApi(
                        new StripeJavaApi(
                            key, config.stripe().apiBase(), config.referralCandy().timeout()),
                        clock,
                        Duration.ofMinutes(10),
                        10_000)))
        .orElseGet(StripeLookups::none);
  }

  /** The periodic Events API catch-up, when configured (it needs the API key). */
  private static Optional<Reconciliation> reconciliation(
      Config config, Workflow workflow, Clock clock, StripeIngest ingest) {
    return config
        .stripe()
        .reconcile()
        .map(
            settings ->
                new Reconciliation(
                    new Backfill(
                        new StripeJavaEvents(
                            config.stripe().apiKey().orElseThrow(),
                            config.stripe().apiBase(),
                            Duration.ofSeconds(30)),
                        ingest,
                        workflow,
                        clock),
                    clock,
                    settings));
  }

  private static String instanceId() {
    return ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public int port() {
    return http.port();
  }

  public JdbcStore store() {
    return store;
  }

  public DeliveryWorker worker() {
    return worker;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Alerts alerts() {
    return alerts;
  }

  /** Stops taking requests, lets calls in flight finish, then closes the store. */
  @Override
  public void close() {
    closeAll(closing);
    log.info("stopped");
  }

  private static void closeAll(Deque<AutoCloseable> closing) {
    while (!closing.isEmpty()) {
      try {
        closing.pop().close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
    }
  }
}
