package candybridge.testing;

import candybridge.app.App;
import candybridge.config.Config;
import candybridge.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The production {@link App} on a temp SQLite file and a {@link FakeReferralCandyServer}, with a
 * {@link MutableClock} and the worker loop off (tests call {@code worker().runOnce()}).
 */
public final class TestApp implements AutoCloseable {
  public static final String RC_ACCESS_ID = "test-access-id";
  public static final String RC_SECRET = "test-rc-secret-key";

  public final MutableClock clock;
  public final FakeReferralCandyServer rc;
  public final App app;
  public final Path database;

  private TestApp(MutableClock clock, FakeReferralCandyServer rc, App app, Path database) {
    this.clock = clock;
    this.rc = rc;
    this.app = app;
    this.database = database;
  }

  public static Map<String, String> env(
      Path database, FakeReferralCandyServer rc, String webhookSecret) {
    Map<String, String> env = new HashMap<>();
    env.put("CANDYBRIDGE_PORT", "0");
    env.put("CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:" + database);
    env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
    env.put("REFERRALCANDY_ACCESS_ID", RC_ACCESS_ID);
    env.put("REFERRALCANDY_SECRET_KEY", RC_SECRET);
    env.put("REFERRALCANDY_API_BASE", rc.apiBase().toString());
    env.put("CANDYBRIDGE_RETRY_SCHEDULE", "30s,2m,10m");
    // The fixtures are Stripe test-mode events (livemode: false); the default, live, would store
    // them and plan nothing. LiveModeTest covers the default.
    env.put("CANDYBRIDGE_STRIPE_MODE", "test");
    return env;
  }

  public static TestApp start(Path dir, long epochSecond) {
    return start(dir, epochSecond, StripeWebhooks.SECRET, Map.of());
  }

  public static TestApp start(
      Path dir, long epochSecond, String webhookSecret, Map<String, String> extra) {
    return start(dir, epochSecond, webhookSecret, extra, candybridge.workflow.Workflow.defaults());
  }

  public static TestApp start(
      Path dir,
      long epochSecond,
      String webhookSecret,
      Map<String, String> extra,
      candybridge.workflow.Workflow workflow) {
    return start(dir, epochSecond, webhookSecret, extra, workflow, false);
  }

  /**
   * With {@code runWorker} the background loop delivers on its own (for tests that cross a thread
   * or process boundary, e.g. a browser); the clock then stays where it is set, so set it to now.
   */
  public static TestApp start(
      Path dir,
      long epochSecond,
      String webhookSecret,
      Map<String, String> extra,
      candybridge.workflow.Workflow workflow,
      boolean runWorker) {
    MutableClock clock = MutableClock.at(epochSecond);
    FakeReferralCandyServer rc = FakeReferralCandyServer.start(RC_ACCESS_ID, RC_SECRET);
    Path database = dir.resolve("candybridge.db");
    Map<String, String> env = env(database, rc, webhookSecret);
    env.putAll(extra);
    Config config = ConfigLoader.fromEnv(env);
    App app = App.start(config, workflow, clock, new App.Options(runWorker));
    return new TestApp(clock, rc, app, database);
  }

  public int port() {
    return app.port();
  }

  /** Runs worker rounds until one finds nothing due. */
  public void deliverDue() {
    while (app.worker().runOnce() > 0) {
      // keep going: a full batch may hide more
    }
  }

  @Override
  public void close() {
    app.close();
    rc.close();
  }
}
