package candybridge.demo;

import candybridge.app.App;
import candybridge.config.Config;
import candybridge.config.ConfigLoader;
import candybridge.workflow.Workflow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code candybridge demo}: the real service ({@link App}, the same ingest, store, workflows and
 * worker as {@code serve}) on a throw-away SQLite file, talking to a {@link DemoReferralCandy}.
 * {@link #run()} sends the sample events signed over HTTP, waits until the worker has settled them,
 * and reports each outcome as the service's admin API shows it.
 */
public final class Demo implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<String> SETTLED = Set.of("delivered", "failed", "in_doubt");
  static final String ACCESS_ID = "demo-access-id";

  private final Path dir;
  private final DemoReferralCandy referralCandy;
  private final App app;
  private final String webhookSecret;
  private final String adminToken;
  private final Clock clock;

  private Demo(
      Path dir,
      DemoReferralCandy referralCandy,
      App app,
      String webhookSecret,
      String adminToken,
      Clock clock) {
    this.dir = dir;
    this.referralCandy = referralCandy;
    this.app = app;
    this.webhookSecret = webhookSecret;
    this.adminToken = adminToken;
    this.clock = clock;
  }

  /**
   * Starts the demo ReferralCandy and the service on {@code port} (0: any free port) with fresh
   * secrets and a database in a new temp folder, which {@link #close()} deletes. The caller's
   * environment is not read: a demo never reaches a real Stripe or ReferralCandy account.
   */
  public static Demo start(int port, Clock clock, SecureRandom random) {
    Path dir;
    try {
      dir = Files.createTempDirectory("candybridge-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the demo's temp folder", e);
    }
    String rcSecret = token(random);
    String webhookSecret = "whsec_demo_" + token(random);
    String adminToken = token(random);
    DemoReferralCandy rc = DemoReferralCandy.start(ACCESS_ID, rcSecret);
    try {
      Config config =
          ConfigLoader.fromEnv(
              Map.of(
                  "CANDYBRIDGE_PORT",
                  Integer.toString(port),
                  "CANDYBRIDGE_DATABASE_URL",
                  "jdbc:sqlite:" + dir.resolve("demo.db"),
                  "STRIPE_WEBHOOK_SECRET",
                  webhookSecret,
                  "REFERRALCANDY_ACCESS_ID",
                  ACCESS_ID,
                  "REFERRALCANDY_SECRET_KEY",
                  rcSecret,
                  "REFERRALCANDY_API_BASE",
                  rc.apiBase().toString(),
                  "CANDYBRIDGE_ADMIN_TOKEN",
                  adminToken,
                  // The sample events are Stripe test-mode events (livemode: false).
                  "CANDYBRIDGE_STRIPE_MODE",
                  "test"));
      App app = App.start(config, Workflow.defaults(), clock, App.Options.production());
      return new Demo(dir, rc, app, webhookSecret, adminToken, clock);
    } catch (RuntimeException e) {
      rc.close();
      deleteQuietly(dir);
      throw e;
    }
  }

  /** Sends every sample, waits (bounded) until each planned call is settled, and reports. */
  public List<DemoOutcome> run() throws IOException, InterruptedException {
    DemoStripe stripe = new DemoStripe(baseUrl().resolve("/webhooks/stripe"), webhookSecret, clock);
    List<DemoSample> samples = DemoSample.all();
    List<JsonNode> answers = new ArrayList<>();
    for (DemoSample sample : samples) {
      HttpResponse<String> response = stripe.send(sample.payload());
      JsonNode body = JSON.readTree(response.body());
      answers.add(
          response.statusCode() == 200
              ? body
              : ((ObjectNode) body).put("status", "HTTP " + response.statusCode()));
    }
    DemoAdmin admin = new DemoAdmin(baseUrl(), adminToken);
    awaitSettled(admin);
    List<JsonNode> events = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      JsonNode answer = answers.get(i);
      boolean stored = answer.path("status").asText().equals("stored");
      events.add(
          stored
              ? admin.event(answer.path("event").asText())
              : JSON.readTree(samples.get(i).payload()));
    }
    return DemoOutcomes.of(samples, answers, events, referralCandy.received());
  }

  /**
   * Waits until every delivery the service planned is settled (delivered, failed or in doubt),
   * woken by each call the demo ReferralCandy receives rather than by a fixed sleep.
   */
  private void awaitSettled(DemoAdmin admin) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    int seen = referralCandy.received().size();
    while (System.nanoTime() < deadline) {
      boolean settled = true;
      for (JsonNode d : admin.deliveries()) {
        settled &= SETTLED.contains(d.path("status").asText());
      }
      if (settled) {
        return;
      }
      // The worker records an attempt a moment after the call lands: wake on the next call,
      // or look again shortly.
      seen = referralCandy.awaitMoreThan(seen, Duration.ofMillis(100));
    }
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + app.port());
  }

  public String adminToken() {
    return adminToken;
  }

  /** The webhook signing secret of this run, for sending more events by hand. */
  public String webhookSecret() {
    return webhookSecret;
  }

  public Path databaseFile() {
    return dir.resolve("demo.db");
  }

  public DemoReferralCandy referralCandy() {
    return referralCandy;
  }

  /** Stops the service and the demo ReferralCandy, then deletes the throw-away database. */
  @Override
  public void close() {
    try {
      app.close();
    } finally {
      referralCandy.close();
      deleteQuietly(dir);
    }
  }

  private static String token(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is harmless; the demo's result does not depend on it.
    }
  }
}
