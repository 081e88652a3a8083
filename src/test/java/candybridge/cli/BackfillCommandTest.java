package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.RecordedCall;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code candybridge backfill} as an operator runs it, while the service ({@link TestApp}, the
 * production App) is up on the same SQLite file: 105 events, 2 pages of Stripe's 100.
 */
class BackfillCommandTest {
  static final String KEY = "sk_test_51CandybridgeCliBackfillKey000000000000000000";
  static final long NOW = 1_790_000_000L;

  @TempDir Path dir;
  TestApp t;
  FakeStripeApiServer stripe;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW);
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      events.add(
          SyntheticEvents.checkoutCompleted("evt_co_" + i, "cs_cli_" + i, NOW - 600L * (i + 1)));
    }
    for (int i = 0; i < 45; i++) {
      events.add(
          SyntheticEvents.from(
              "stripe/invoice.payment_failed.json",
              "evt_inv_" + i,
              "in_" + i,
              NOW - 300L - 600L * i,
              null));
    }
    stripe = FakeStripeApiServer.start(KEY).withEvents(events);
  }

  @AfterEach
  void stop() {
    stripe.close();
    t.close();
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_API_KEY", KEY);
    env.put("STRIPE_API_BASE", stripe.apiBase().toString());
    env.put("CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:" + t.database);
    env.put("CANDYBRIDGE_STRIPE_MODE", "test"); // as serve's: the events are test-mode fixtures
    return env;
  }

  Run run(Map<String, String> env, String... args) {
    BackfillCommand command = new BackfillCommand();
    new CommandLine(command).parseArgs(args);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        command.run(
            env, t.clock, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  Run run(String... args) {
    return run(env(), args);
  }

  @Test
  void backfills_with_a_progress_bar_and_a_summary_while_the_service_runs_on_the_same_database() {
    Run r = run("--since", "2d");

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("backfill done: pages 2  new 105  duplicate 0  ignored 0\n")
        .contains("sent by serve's delivery worker");
    assertThat(r.err())
        .contains("\r[")
        .contains("] page 1  new 0  duplicate 0  ignored 0")
        .contains("\r[##########..........] page 2  new 0  duplicate 0  ignored 0")
        .contains("] page 2  new 100  duplicate 0  ignored 0")
        .contains("\r[####################] page 2  new 105  duplicate 0  ignored 0\n")
        .doesNotContain(KEY)
        .doesNotContain("@example.com");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json"))
        .hasSize(60)
        .extracting(RecordedCall::params)
        .extracting(p -> p.get("external_reference_id"))
        .doesNotHaveDuplicates();
  }

  @Test
  void running_it_twice_changes_nothing() {
    run("--since", "2d");
    t.deliverDue();

    Run again = run("--since", "2d");
    t.deliverDue();

    assertThat(again.code()).isZero();
    assertThat(again.out())
        .startsWith("backfill done: pages 2  new 0  duplicate 105  ignored 0\n")
        .doesNotContain("delivery worker");
    assertThat(t.rc.received("purchase.json")).hasSize(60);
  }

  @Test
  void until_and_types_narrow_the_window() {
    Run r =
        run(
            "--since",
            "2026-09-19T00:00:00Z",
            "--until",
            Instant.ofEpochSecond(NOW - 3600).toString(),
            "--types",
            "checkout.session.completed,charge.refunded");

    assertThat(r.code()).isZero();
    // checkouts created at NOW-600*(i+1), strictly before NOW-3600: i >= 6, 54 of them
    assertThat(r.out()).startsWith("backfill done: pages 1  new 54  duplicate 0  ignored 0");
    assertThat(stripe.eventListQueries().get(0))
        .containsEntry("types[1]", List.of("charge.refunded"))
        .containsEntry("created[lt]", List.of(Long.toString(NOW - 3600)));
  }

  @Test
  void stripe_failing_mid_way_exits_1_having_taken_in_nothing_and_a_rerun_completes() {
    stripe.failEventList(2, 500);

    Run failed = run("--since", "2d");

    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out())
        .startsWith("backfill incomplete: pages 1  new 0  duplicate 0  ignored 0");
    assertThat(failed.err())
        .contains("backfill stopped at page 2: Stripe did not answer the events list: HTTP 500")
        .contains("run the same command again to complete it (nothing was taken in")
        .doesNotContain(KEY);

    Run rerun = run("--since", "2d");

    assertThat(rerun.code()).isZero();
    assertThat(rerun.out()).startsWith("backfill done: pages 2  new 105  duplicate 0  ignored 0");
  }

  @Test
  void stripe_down_or_the_key_rejected_is_an_operational_failure() {
    stripe.down(true);
    assertThat(run("--since", "2d").code()).isEqualTo(1);
    stripe.down(false);

    Map<String, String> wrongKey = env();
    wrongKey.put("STRIPE_API_KEY", "sk_test_not_this_one_9876");
    Run r = run(wrongKey, "--since", "2d");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("API key rejected")
        .doesNotContain("sk_test_not_this_one")
        .doesNotContain("9876");
  }

  @Test
  void a_window_beyond_30_days_is_bad_usage_explained() {
    Run r = run("--since", "45d");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("45 days ago")
        .contains("Stripe keeps events for 30 days")
        .contains("choose a --since within the last 30 days");
    assertThat(stripe.requests()).isEmpty();
  }

  @Test
  void bad_usage_exits_2_before_touching_stripe_or_the_database() {
    Map<String, String> noKey = env();
    noKey.remove("STRIPE_API_KEY");
    Map<String, String> badBase = env();
    badBase.put("STRIPE_API_BASE", "ftp://stripe");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add("type." + i);
    }

    assertThat(run(noKey, "--since", "2d"))
        .satisfies(
            r -> {
              assertThat(r.code()).isEqualTo(2);
              assertThat(r.err()).contains("STRIPE_API_KEY is required");
            });
    assertThat(run(badBase, "--since", "2d").err()).contains("STRIPE_API_BASE");
    assertThat(run("--since", "yesterday").err()).contains("--since: 'yesterday' is not a date");
    assertThat(run("--since", "2d", "--until", "3d").err()).contains("must be after since");
    assertThat(run("--since", "2d", "--types", String.join(",", many)))
        .satisfies(
            r -> {
              assertThat(r.code()).isEqualTo(2);
              assertThat(r.err()).contains("at most 20");
            });
    assertThat(stripe.requests()).isEmpty();
  }

  @Test
  void dates_are_days_instants_or_ages() {
    Instant now = Instant.ofEpochSecond(NOW);
    assertThat(BackfillCommand.when("--since", "2026-11-01", now))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(BackfillCommand.when("--since", "2026-11-01T12:00:00Z", now))
        .isEqualTo(Instant.parse("2026-11-01T12:00:00Z"));
    assertThat(BackfillCommand.when("--since", "2026-11-01T12:00:00+02:00", now))
        .isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(BackfillCommand.when("--since", "48h", now)).isEqualTo(now.minusSeconds(48 * 3600));
    assertThat(BackfillCommand.when("--since", "7d", now)).isEqualTo(now.minusSeconds(7 * 86_400));
    assertThatThrownBy(() -> BackfillCommand.when("--until", "2026-13-01", now))
        .hasMessageStartingWith("--until: '2026-13-01'");
  }

  @Test
  void is_a_subcommand_with_help() {
    CommandLine cli = new CommandLine(new Cli());
    assertThat(cli.getSubcommands()).containsKey("backfill");
    String help = cli.getSubcommands().get("backfill").getUsageMessage();
    assertThat(help)
        .contains("--since=DATE")
        .contains("--until=DATE")
        .contains("--types")
        .contains("30 days");
    assertThat(cli.execute("backfill", "--help")).isZero();
    assertThat(cli.execute("backfill")).isEqualTo(2);
  }
}
