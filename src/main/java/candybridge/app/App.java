package candybridge.app;

import candybridge.admin.AdminRoutes;
import candybridge.config.Config;
import candybridge.delivery.DeliveryWorker;
import candybridge.delivery.Enrichment;
import candybridge.delivery.Replay;
import candybridge.delivery.RetryPolicy;
import candybridge.referralcandy.HttpReferralCandy;
import candybridge.referralcandy.ReferralCandy;
import candybridge.store.JdbcStore;
import candybridge.stripe.CachingStripeApi;
import candybridge.stripe.StripeIngest;
import candybridge.stripe.StripeJavaApi;
import candybridge.stripe.StripeLookups;
import candybridge.stripe.StripeSignatureVerifier;
import candybridge.workflow.Lookups;
import candybridge.workflow.Workflow;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every piece by hand, starts it, and closes it in reverse. Tests
 * start this same class (with a temp SQLite file, a fake ReferralCandy and a settable clock).
 */
public final class App implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(App.class);

  /**
   * @param runWorker false in tests that drive {@code worker().runOnce()} themselves
   */
  public record Options(boolean runWorker) {
    public static Options production() {
      return new Options(true);
    }
  }

  private final JdbcStore store;
  private final DeliveryWorker worker;
  private final Javalin http;

  private App(JdbcStore store, DeliveryWorker worker, Javalin http) {
    this.store = store;
    this.worker = worker;
    this.http = http;
  }

  public static App start(Config config, Workflow workflow, Clock clock, Options options) {
    log.info("starting with {}", config.describe());
    JdbcStore store = JdbcStore.open(config.store().databaseUrl(), clock.instant());
    DeliveryWorker worker = null;
    try {
      Lookups lookups = lookups(config, clock);
      ReferralCandy referralCandy =
          new HttpReferralCandy(
              config.referralCandy().apiBase(),
              config.referralCandy().accessId(),
              config.referralCandy().secretKey(),
              clock,
              config.referralCandy().timeout());
      Config.Delivery d = config.delivery();
      worker =
          new DeliveryWorker(
              store,
              referralCandy,
              new RetryPolicy(d.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble()),
              clock,
              new DeliveryWorker.Settings(
                  instanceId(), d.batchSize(), d.concurrency(), d.lease(), d.pollInterval()),
              new Enrichment(store, workflow, lookups));
      worker.recoverAbandoned(store.isSingleInstance());

      StripeIngest ingest =
          new StripeIngest(
              workflow, config.stripe().apiKey().isPresent(), store, clock, worker::wake);
      Json json = new Json();
      StripeWebhookRoute webhook =
          new StripeWebhookRoute(
              new StripeSignatureVerifier(config.stripe().webhookSecrets(), clock), ingest, json);
      DeliveryWorker w = worker;
      Optional<AdminRoutes> admin =
          config
              .admin()
              .token()
              .map(
                  token ->
                      new AdminRoutes(
                          token,
                          store,
                          new Replay(store, clock, w::wake),
                          workflow,
                          lookups,
                          clock,
                          (ctx, body) -> json.respond(ctx, 200, body)));
      Javalin http = HttpServerSetup.create(config.http().port(), webhook, store, json, admin).start();
      App app = new App(store, worker, http);
      if (options.runWorker()) {
        worker.start();
      }
      log.info("candybridge listening on port {}", app.port());
      return app;
    } catch (RuntimeException e) {
      if (worker != null) {
        worker.close();
      }
      store.close();
      throw e;
    }
  }

  /** Stripe API lookups for enrichment, cached; none without an API key. */
  private static Lookups lookups(Config config, Clock clock) {
    return config
        .stripe()
        .apiKey()
        .<Lookups>map(
            key ->
                new StripeLookups(
                    new CachingStripeApi(
                        new StripeJavaApi(key, config.stripe().apiBase(), Duration.ofSeconds(10)),
                        clock,
                        Duration.ofMinutes(10),
                        10_000)))
        .orElseGet(StripeLookups::none);
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

  /** Stops taking requests, lets calls in flight finish, then closes the store. */
  @Override
  public void close() {
    http.stop();
    worker.close();
    store.close();
    log.info("stopped");
  }
}
