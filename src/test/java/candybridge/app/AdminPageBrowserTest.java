package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.Fixtures;
import candybridge.testing.Poll;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /admin} page in a real browser: Debian's Chromium driven by playwright-core from
 * {@code src/test/browser/admin-flow.mjs}, against the real App with its worker loop running. Needs
 * {@code .ci/install-browser}; skipped (not failed) on a machine without it.
 */
class AdminPageBrowserTest {
  private static final String ADMIN_TOKEN = "browser-test-admin-token";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path BROWSER_DIR = Path.of("src/test/browser");
  private static final Path SCREENSHOT = Path.of("target/admin-replayed.png");
  private static final Path ATTACK_SCREENSHOT = Path.of("target/admin-cross-site.png");
  private static final Path BULK_SCREENSHOT = Path.of("target/admin-bulk-resolved.png");
  private static final Path TOUR_SCREENSHOT = Path.of("target/admin-tour.png");
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;
  TestApp t;

  @BeforeEach
  void needsTheBrowser() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM)
            && Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core")),
        "no /usr/bin/chromium or src/test/browser/node_modules: run .ci/install-browser");
  }

  @AfterEach
  void stop() {
    if (t != null) t.close();
  }

  /**
   * Starts the service with the worker running and one sale whose delivery failed on a scripted
   * 400; returns its dedupe key. The worker loop runs on its own thread, so the clock stands at the
   * real now: Stripe's signature tolerance and the page's "last 24 hours" chart both compare with
   * it.
   */
  private String startWithOneFailedSale() {
    long now = Clock.systemUTC().instant().getEpochSecond();
    t =
        TestApp.start(
            dir,
            now,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN),
            Workflow.defaults(),
            true);
    t.rc.respondWith(400);
    String body = Fixtures.read("stripe/checkout.session.completed.json");
    String dedupeKey = "purchase:" + Fixtures.parse(body).objectId();
    assertThat(StripeWebhooks.postSigned(t.port(), body, now).statusCode()).isEqualTo(200);
    Poll.until(
        "the first delivery fails on the scripted 400",
        Duration.ofSeconds(30),
        () -> delivery(dedupeKey).status() == DeliveryStatus.FAILED);
    return dedupeKey;
  }

  @Test
  void operator_replays_a_failed_delivery_from_the_admin_page() throws Exception {
    String dedupeKey = startWithOneFailedSale();

    BrowserRun run = runBrowser("http://127.0.0.1:" + t.port(), SCREENSHOT, "replay");

    assertThat(run.exitCode())
        .as("admin-flow.mjs exit code; its output:%n%s", run.output())
        .isZero();
    assertThat(SCREENSHOT).exists().isNotEmptyFile();
    assertThat(t.rc.received("purchase.json")).hasSize(2).allMatch(c -> c.signatureValid());
    Delivery d = delivery(dedupeKey);
    assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
    List<Attempt> attempts = t.app.store().attempts(d.id());
    assertThat(attempts)
        .extracting(Attempt::trigger)
        .containsExactly(AttemptTrigger.SCHEDULED, AttemptTrigger.MANUAL);
    assertThat(attempts)
        .extracting(Attempt::verdict)
        .containsExactly(Verdict.FAIL, Verdict.DELIVERED);
  }

  @Test
  void a_page_on_another_site_cannot_replay_with_the_operators_login() throws Exception {
    String dedupeKey = startWithOneFailedSale();

    // Signs in with the token in the URL, replays from the page, then lets evil.test and another
    // origin of admin.test post a bulk replay of delivered calls and a replay of this one.
    BrowserRun run =
        runBrowser(
            "http://admin.test:" + t.port(),
            ATTACK_SCREENSHOT,
            "cross-site",
            String.valueOf(delivery(dedupeKey).id().value()));

    assertThat(run.exitCode())
        .as("admin-flow.mjs exit code; its output:%n%s", run.output())
        .isZero();
    assertThat(run.output())
        .contains("from http://evil.test:")
        .contains("from http://admin.test:")
        .contains("\"error\":\"forbidden\"");
    assertThat(ATTACK_SCREENSHOT).exists().isNotEmptyFile();
    assertThat(t.rc.received("purchase.json"))
        .as("the failed call and the page's replay, nothing else")
        .hasSize(2);
    Delivery d = delivery(dedupeKey);
    assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(d.id()))
        .extracting(Attempt::trigger)
        .containsExactly(AttemptTrigger.SCHEDULED, AttemptTrigger.MANUAL);
  }

  @Test
  void operator_resolves_every_in_doubt_delivery_as_sent_after_seeing_the_count() throws Exception {
    long now = Clock.systemUTC().instant().getEpochSecond();
    // No worker loop: nothing may be sent, and the dead instance below must be the one to claim.
    t =
        TestApp.start(
            dir,
            now,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN),
            Workflow.defaults(),
            false);
    String template = Fixtures.read("stripe/checkout.session.completed.json");
    String session = Fixtures.parse(template).objectId();
    String event = Fixtures.parse(template).id().value();
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String body = template.replace(session, session + "_" + i).replace(event, event + "_" + i);
      assertThat(StripeWebhooks.postSigned(t.port(), body, now).statusCode()).isEqualTo(200);
      keys.add("purchase:" + session + "_" + i);
    }
    var at = t.clock.instant();
    t.app.store().claimDue(at, 10, "dead-instance", at.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(at, true);
    assertThat(keys)
        .allSatisfy(k -> assertThat(delivery(k).status()).isEqualTo(DeliveryStatus.IN_DOUBT));

    BrowserRun run =
        runBrowser("http://127.0.0.1:" + t.port(), BULK_SCREENSHOT, "bulk-resolve", "3");

    assertThat(run.exitCode())
        .as("admin-flow.mjs exit code; its output:%n%s", run.output())
        .isZero();
    assertThat(run.output()).contains("3 in-doubt deliveries match");
    assertThat(BULK_SCREENSHOT).exists().isNotEmptyFile();
    assertThat(keys)
        .allSatisfy(
            k -> {
              assertThat(delivery(k).status()).isEqualTo(DeliveryStatus.DELIVERED);
              assertThat(t.app.store().attempts(delivery(k).id()))
                  .extracting(Attempt::trigger)
                  .containsExactly(AttemptTrigger.RECOVERY, AttemptTrigger.RESOLUTION);
            });
    assertThat(t.rc.received()).as("resolved as sent: nothing sent").isEmpty();
  }

  @Test
  void operator_reads_status_events_and_dry_runs_then_replays_every_failed_delivery()
      throws Exception {
    long now = Clock.systemUTC().instant().getEpochSecond();
    // No worker loop: the test delivers when it chooses, so the page sees settled statuses.
    t =
        TestApp.start(
            dir,
            now,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN),
            Workflow.defaults(),
            false);
    String template = Fixtures.read("stripe/checkout.session.completed.json");
    String session = Fixtures.parse(template).objectId();
    String event = Fixtures.parse(template).id().value();
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String body =
          template
              .replace(session, session + "_" + i)
              .replace(event, event + "_" + i)
              .replace("jenny.rosen@example.com", "buyer" + i + "@example.com");
      assertThat(StripeWebhooks.postSigned(t.port(), body, now).statusCode()).isEqualTo(200);
      keys.add("purchase:" + session + "_" + i);
    }
    String unpaid = Fixtures.read("stripe/checkout.session.completed.async-unpaid-jpy.json");
    assertThat(StripeWebhooks.postSigned(t.port(), unpaid, now).statusCode()).isEqualTo(200);
    t.rc.respondWith(400, 400);
    t.deliverDue();
    assertThat(keys)
        .allSatisfy(k -> assertThat(delivery(k).status()).isEqualTo(DeliveryStatus.FAILED));
    int events =
        t.app
            .store()
            .history()
            .events(candybridge.history.EventQuery.all(), java.util.Optional.empty(), 50)
            .items()
            .size();
    String unpaidReasons =
        t.app
            .store()
            .history()
            .event(Fixtures.parse(unpaid).id().value())
            .orElseThrow()
            .decisions();

    BrowserRun run =
        runBrowser(
            "http://127.0.0.1:" + t.port(), TOUR_SCREENSHOT, "tour", "buyer2@example.com", "2");

    assertThat(run.exitCode())
        .as("admin-flow.mjs exit code; its output:%n%s", run.output())
        .isZero();
    assertThat(run.output())
        .contains("Ignored filter status=bogus")
        .containsIgnoringCase("status-last-webhook: Last webhook checkout.session.completed")
        .containsIgnoringCase("status-stripe-mode: Stripe mode test")
        .containsIgnoringCase("status-referralcandy: ReferralCandy reachable")
        .contains("found: the e-mail searched for, 30.00 USD")
        .contains("dry run refused: the body is not a Stripe event")
        .contains("OpenAPI 3.")
        .contains("2 deliveries match these filters");
    // The unpaid sale's reason, as stored, is on the page.
    String reason =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(unpaidReasons)
            .get(0)
            .path("reason")
            .asText();
    assertThat(run.output()).contains(reason);
    for (String step :
        List.of("unknown-filter", "status", "events", "search", "dry-run", "dry-run-refused")) {
      assertThat(Path.of("target/admin-tour-" + step + ".png")).exists().isNotEmptyFile();
    }
    assertThat(TOUR_SCREENSHOT).exists().isNotEmptyFile();
    assertThat(
            t.app
                .store()
                .history()
                .events(candybridge.history.EventQuery.all(), java.util.Optional.empty(), 50)
                .items())
        .as("dry runs store nothing")
        .hasSize(events);
    assertThat(keys)
        .allSatisfy(k -> assertThat(delivery(k).status()).isEqualTo(DeliveryStatus.PENDING));
    assertThat(t.rc.received("purchase.json"))
        .as("the two failed calls; the replays wait for the worker")
        .hasSize(2);
    t.deliverDue();
    assertThat(keys)
        .allSatisfy(k -> assertThat(delivery(k).status()).isEqualTo(DeliveryStatus.DELIVERED));
    assertThat(t.rc.received("purchase.json")).hasSize(4);
  }

  private Delivery delivery(String dedupeKey) {
    return t.app.store().findDeliveryByKey(dedupeKey).orElseThrow();
  }

  private record BrowserRun(int exitCode, String output) {}

  /**
   * Runs the Node script, its output in target/test-logs/browser-FLOW.log (scanned by
   * LogHygieneTest).
   */
  private static BrowserRun runBrowser(String baseUrl, Path screenshot, String... flow)
      throws IOException, InterruptedException {
    Files.deleteIfExists(screenshot);
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    Path log = ServiceProcess.logDir().resolve("browser-" + flow[0] + ".log");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "node",
                BROWSER_DIR.resolve("admin-flow.mjs").toString(),
                baseUrl,
                ADMIN_TOKEN,
                screenshot.toAbsolutePath().toString()));
    command.addAll(List.of(flow));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    if (!process.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new BrowserRun(
          -1, "timed out after " + BROWSER_TIMEOUT + "\n" + Files.readString(log));
    }
    return new BrowserRun(process.exitValue(), Files.readString(log));
  }
}
