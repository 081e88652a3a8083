package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator commands against the same SQLite file a running service uses: list, show, replay,
 * resolve, purge, check-config; exit codes 0 ok, 1 operational failure, 2 bad usage.
 */
class OperatorCommandsTest {
  static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;
  TestApp t;
  Map<String, String> env;

  /** What the operator types at the terminal; empty: no terminal (a script). */
  Optional<String> typed = Optional.empty();

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW);
    env = new HashMap<>(TestApp.env(t.database, t.rc, StripeWebhooks.SECRET));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private String sale(int i) {
    String body = TEMPLATE.replace(SESSION, SESSION + "_" + i).replace(EVENT, EVENT + "_" + i);
    assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
    return SESSION + "_" + i;
  }

  private Delivery delivery(String session) {
    return t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
  }

  private <C extends Callable<Integer>> Run run(
      C command, Consumer<Terminal> inject, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    inject.accept(
        new Terminal(
            env,
            t.clock,
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            typed.map(text -> new BufferedReader(new StringReader(text)))));
    int code = new CommandLine(command).execute(args);
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  private Run list(String... args) {
    DeliveriesCommand.ListDeliveries c = new DeliveriesCommand.ListDeliveries();
    return run(c, term -> c.terminal = term, args);
  }

  private Run show(String... args) {
    DeliveriesCommand.Show c = new DeliveriesCommand.Show();
    return run(c, term -> c.terminal = term, args);
  }

  private Run events(String... args) {
    EventsCommand.ListEvents c = new EventsCommand.ListEvents();
    return run(c, term -> c.terminal = term, args);
  }

  private Run event(String... args) {
    EventsCommand.Show c = new EventsCommand.Show();
    return run(c, term -> c.terminal = term, args);
  }

  private Run replay(String... args) {
    ReplayCommand c = new ReplayCommand();
    return run(c, term -> c.terminal = term, args);
  }

  private Run resolve(String... args) {
    ResolveCommand c = new ResolveCommand();
    return run(c, term -> c.terminal = term, args);
  }

  private Run purge(String... args) {
    PurgeCommand c = new PurgeCommand();
    return run(c, term -> c.terminal = term, args);
  }

  private Run checkConfig(String... args) {
    CheckConfigCommand c = new CheckConfigCommand();
    return run(c, term -> c.terminal = term, args);
  }

  @Test
  void lists_and_shows_deliveries() {
    t.rc.respondWith(400);
    String a = sale(1);
    String b = sale(2);
    t.deliverDue();
    Run all = list();
    assertThat(all.code()).isZero();
    assertThat(all.out()).contains("purchase:" + a).contains("purchase:" + b);
    Run failed = list("--status", "failed");
    assertThat(failed.out().lines().filter(l -> l.contains("purchase:"))).hasSize(1);
    assertThat(list("--status", "nonsense").code()).isEqualTo(2);

    Run one = show(Long.toString(delivery(a).id().value()));
    assertThat(one.code()).isZero();
    assertThat(one.out())
        .contains("workflow   checkout-purchase")
        .contains("invoice_amount = 30.00")
        .contains("#1")
        .containsPattern("-> (delivered \\(delivered\\)|fail \\(rejected\\))");
    assertThat(show("99999").code()).isEqualTo(1);
    assertThat(show("--help").code()).isZero();
  }

  @Test
  void since_and_until_take_ages_and_dates_as_backfill_does() {
    String a = sale(1);
    assertThat(list("--since", "7d").out()).contains("purchase:" + a);
    assertThat(list("--since", "48h", "--until", "1h").out()).doesNotContain("purchase:" + a);
    assertThat(list("--since", "2020-01-01").out()).contains("purchase:" + a);
    assertThat(list("--since", "2020-01-01T00:00:00Z").out()).contains("purchase:" + a);
    Run bad = list("--since", "last tuesday");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip())
        .isEqualTo(
            "candybridge: --since: 'last tuesday' is not a date: use 2026-11-01"
                + " (midnight UTC), 2026-11-01T12:00:00Z, or an age such as 48h or 7d");
    assertThat(events("--since", "7d").out()).contains(EVENT + "_1");
    assertThat(events("--since", "nope").code()).isEqualTo(2);
  }

  @Test
  void read_only_commands_refuse_to_create_a_database_that_does_not_exist() {
    Path missing = dir.resolve("nowhere.db");
    env.put("CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:" + missing);
    for (Run r :
        List.of(
            list(),
            show("1"),
            events(),
            event("evt_x"),
            replay("1"),
            resolve("1", "--as", "sent"),
            purge())) {
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().lines()).hasSize(1);
      assertThat(r.err())
          .contains("no database at " + missing)
          .contains("CANDYBRIDGE_DATABASE_URL");
    }
    assertThat(missing).doesNotExist();
    env.remove("CANDYBRIDGE_DATABASE_URL");
    Path defaultFile = Path.of("candybridge.db").toAbsolutePath();
    if (!java.nio.file.Files.exists(defaultFile)) {
      Run unset = list();
      assertThat(unset.code()).isEqualTo(2);
      assertThat(unset.err()).contains("CANDYBRIDGE_DATABASE_URL");
      assertThat(defaultFile).doesNotExist();
    }
  }

  @Test
  void events_list_and_show_give_each_workflow_s_decision() {
    String a = sale(1);
    String unpaid =
        TEMPLATE
            .replace(SESSION, SESSION + "_u")
            .replace(EVENT, EVENT + "_u")
            .replace("\"payment_status\": \"paid\"", "\"payment_status\": \"unpaid\"");
    assertThat(unpaid).contains("\"unpaid\"");
    assertThat(StripeWebhooks.postSigned(t.port(), unpaid, NOW).statusCode()).isEqualTo(200);

    Run listed = events();
    assertThat(listed.code()).isZero();
    assertThat(listed.out())
        .contains(EVENT + "_1")
        .contains(EVENT + "_u")
        .contains("checkout.session.completed");
    assertThat(events("--search", SESSION + "_u").out())
        .contains(EVENT + "_u")
        .doesNotContain(EVENT + "_1 ");

    Run planned = event(EVENT + "_1");
    assertThat(planned.code()).isZero();
    assertThat(planned.out())
        .contains("checkout-purchase: planned")
        .contains("purchase:" + a)
        .contains("candybridge deliveries show " + delivery(a).id().value());
    Run skipped = event(EVENT + "_u");
    assertThat(skipped.code()).isZero();
    assertThat(skipped.out())
        .contains("checkout-purchase: not planned - ")
        .contains("deliveries\n    none");

    assertThat(event("evt_nope").code()).isEqualTo(1);
  }

  @Test
  void list_and_show_print_a_buyer_s_escape_sequences_escaped() {
    String body =
        TEMPLATE
            .replace(
                "\"name\": \"Jenny Rosen\"",
                "\"name\": \"Jenny\\u001b[31m Rosen\\u001b]0;pwned\\u0007\\u202e\"")
            .replace(SESSION, SESSION + "\\r\\nforged\\u001b[2J");
    assertThat(body).contains("pwned");
    assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
    t.deliverDue();
    Delivery d = delivery(SESSION + "\r\nforged\u001b[2J");

    Run listed = list();
    Run shown = show(Long.toString(d.id().value()));
    for (Run r : List.of(listed, shown)) {
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .doesNotContain("\u001b", "\u0007", "\u202e", "\r")
          .doesNotContainPattern("(?m)^forged");
      assertThat(r.out()).contains("purchase:" + SESSION + "\\r\\nforged\\u001b[2J");
    }
    assertThat(shown.out())
        .contains("first_name = Jenny\\u001b[31m")
        .contains("last_name = Rosen\\u001b]0;pwned\\u0007\\u202e")
        .contains("email = jenny.rosen@example.com");
  }

  @Test
  void replays_by_id_and_by_status_and_refuses_bad_usage() {
    t.rc.respondWith(400, 400);
    String a = sale(1);
    String b = sale(2);
    t.deliverDue();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.FAILED);

    Run byId = replay(Long.toString(delivery(a).id().value()));
    assertThat(byId.code()).isZero();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(replay(Long.toString(delivery(a).id().value())).code())
        .as("pending: not replayable")
        .isEqualTo(1);
    Run byStatus = replay("--status", "failed");
    assertThat(byStatus.out()).contains("replayed 1");
    t.deliverDue();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(delivery(b).status()).isEqualTo(DeliveryStatus.DELIVERED);

    assertThat(replay().code()).isEqualTo(2);
    assertThat(replay("--status", "pending").code()).isEqualTo(2);
    assertThat(replay("1", "--status", "failed").code()).isEqualTo(2);
  }

  @Test
  void resolves_an_in_doubt_delivery() {
    String a = sale(1);
    var now = t.clock.instant();
    t.app.store().claimDue(now, 10, "dead", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    assertThat(resolve(Long.toString(delivery(a).id().value()), "--as", "maybe").code())
        .isEqualTo(2);
    Run r = resolve(Long.toString(delivery(a).id().value()), "--as", "sent");
    assertThat(r.code()).isZero();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(resolve(Long.toString(delivery(a).id().value()), "--as", "sent").code())
        .isEqualTo(1);
    t.deliverDue();
    assertThat(t.rc.received()).as("resolved as sent: nothing sent").isEmpty();
  }

  /** Sales from..to, claimed by an instance that then died: all in doubt. */
  private List<String> inDoubtSales(int from, int to) {
    List<String> sessions = new java.util.ArrayList<>();
    for (int i = from; i <= to; i++) {
      String body = TEMPLATE.replace(SESSION, SESSION + "_" + i).replace(EVENT, EVENT + "_" + i);
      assertThat(
              StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                  .statusCode())
          .isEqualTo(200);
      sessions.add(SESSION + "_" + i);
    }
    var now = t.clock.instant();
    t.app.store().claimDue(now, 100, "dead", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    return sessions;
  }

  @Test
  void resolves_every_in_doubt_delivery_with_yes_without_asking() {
    List<String> doubt = inDoubtSales(1, 2);
    t.rc.respondWith(400);
    String failed = sale(3);
    t.deliverDue();
    Run r = resolve("--status", "in_doubt", "--as", "resend", "--yes");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("queued 2 deliveries to resend");
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.PENDING));
    assertThat(delivery(failed).status()).isEqualTo(DeliveryStatus.FAILED);
    t.rc.respondWith(200, 200);
    t.deliverDue();
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.DELIVERED));
    Run none = resolve("--status", "in_doubt", "--as", "sent", "--yes");
    assertThat(none.code()).isZero();
    assertThat(none.out()).contains("no in-doubt deliveries");
  }

  @Test
  void bulk_resolve_shows_the_count_and_acts_only_on_yes() {
    List<String> doubt = inDoubtSales(1, 3);
    typed = Optional.of("n\n");
    Run no = resolve("--status", "in_doubt", "--as", "sent");
    assertThat(no.code()).isEqualTo(1);
    assertThat(no.out()).contains("3 in-doubt deliveries").contains("[y/N]");
    assertThat(no.err()).contains("nothing changed");
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT));

    typed = Optional.of("y\n");
    Run yes = resolve("--status", "in_doubt", "--as", "sent");
    assertThat(yes.code()).as(yes.err()).isZero();
    assertThat(yes.out())
        .contains("3 in-doubt deliveries")
        .contains("resolved 3 deliveries as sent");
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.DELIVERED));
    t.deliverDue();
    assertThat(t.rc.received()).as("resolved as sent: nothing sent").isEmpty();
  }

  @Test
  void bulk_resolve_without_a_terminal_or_with_input_closed_refuses_and_asks_for_yes() {
    String s = inDoubtSales(1, 1).get(0);
    Run script = resolve("--status", "in_doubt", "--as", "sent");
    assertThat(script.code()).isEqualTo(1);
    assertThat(script.err()).contains("add --yes");
    typed = Optional.of("");
    Run closed = resolve("--status", "in_doubt", "--as", "resend");
    assertThat(closed.code()).isEqualTo(1);
    assertThat(closed.err()).contains("add --yes");
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void bulk_resolve_takes_the_window_of_creation_times() {
    String old = inDoubtSales(1, 1).get(0);
    t.clock.advance(Duration.ofDays(3));
    String recent = inDoubtSales(2, 2).get(0);
    Run r = resolve("--status", "in_doubt", "--since", "48h", "--as", "sent", "--yes");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("resolved 1 deliveries as sent");
    assertThat(delivery(recent).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(delivery(old).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
    String until = t.clock.instant().minus(Duration.ofDays(1)).toString();
    assertThat(resolve("--status", "in_doubt", "--until", until, "--as", "resend", "--yes").out())
        .contains("queued 1 deliveries");
    assertThat(delivery(old).status()).isEqualTo(DeliveryStatus.PENDING);
  }

  @Test
  void bulk_resolve_refuses_bad_usage_with_exit_2() {
    String s = inDoubtSales(1, 1).get(0);
    Run failed = resolve("--status", "failed", "--as", "sent", "--yes");
    assertThat(failed.code()).isEqualTo(2);
    assertThat(failed.err()).contains("only in-doubt deliveries can be resolved");
    assertThat(resolve("--status", "in_doubt", "--as", "maybe", "--yes").code()).isEqualTo(2);
    assertThat(
            resolve("--status", "in_doubt", "--since", "last tuesday", "--as", "sent", "--yes")
                .code())
        .isEqualTo(2);
    assertThat(resolve("--as", "sent", "--yes").code()).as("neither id nor status").isEqualTo(2);
    assertThat(resolve("1", "--status", "in_doubt", "--as", "sent").code()).as("both").isEqualTo(2);
    assertThat(resolve("1", "--since", "2d", "--as", "sent").code()).isEqualTo(2);
    assertThat(resolve("--status", "in_doubt", "--yes").code()).as("missing --as").isEqualTo(2);
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void purge_keeps_dedupe_keys_so_an_old_event_redelivered_is_still_a_duplicate() {
    String a = sale(1);
    t.deliverDue();
    t.clock.advance(Duration.ofDays(31));
    Run r = purge();
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("1 event payloads")
        .contains("1 delivery parameter sets")
        .contains("1 attempts");
    assertThat(t.app.store().eventPayload(EVENT + "_1")).isEmpty();
    assertThat(delivery(a).call().params()).isEmpty();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.DELIVERED);

    // Stripe redelivers the 31-day-old event (manual resend): recognised, nothing sent again.
    String body = TEMPLATE.replace(SESSION, a).replace(EVENT, EVENT + "_1");
    assertThat(StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond()).body())
        .contains("\"status\":\"duplicate\"");
    // A new event id for the same old sale: the dedupe key holds.
    String other = TEMPLATE.replace(SESSION, a).replace(EVENT, "evt_late_second_event");
    assertThat(
            StripeWebhooks.postSigned(t.port(), other, t.clock.instant().getEpochSecond()).body())
        .contains("\"status\":\"stored\"");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(1);
  }

  @Test
  void purge_never_touches_unfinished_work() {
    t.rc.respondWith(503);
    String a = sale(1);
    t.deliverDue();
    t.clock.advance(Duration.ofDays(40));
    purge("--older-than", "30d");
    assertThat(t.app.store().eventPayload(EVENT + "_1")).isPresent();
    assertThat(delivery(a).call().params()).containsKey("email");
    assertThat(purge("--older-than", "forever").code()).isEqualTo(2);
  }

  @Test
  void check_config_prints_the_configuration_without_secrets_and_proves_credentials_online() {
    Run offline = checkConfig();
    assertThat(offline.code()).isZero();
    assertThat(offline.out())
        .contains("checkout-purchase")
        .contains("configuration OK")
        .doesNotContain(TestApp.RC_SECRET)
        .doesNotContain(StripeWebhooks.SECRET);

    Run online = checkConfig("--online");
    assertThat(online.code()).isZero();
    assertThat(online.out()).contains("verify.json: HTTP 200").contains("Stripe: skipped");
    assertThat(t.rc.received("verify.json"))
        .singleElement()
        .satisfies(c -> assertThat(c.signatureValid()).isTrue());

    env.put("REFERRALCANDY_SECRET_KEY", "wrong-secret");
    Run rejected = checkConfig("--online");
    assertThat(rejected.code()).isEqualTo(1);
    assertThat(rejected.out()).contains("HTTP 401").doesNotContain("wrong-secret");

    env.remove("STRIPE_WEBHOOK_SECRET");
    Run bad = checkConfig();
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("STRIPE_WEBHOOK_SECRET is required");
  }

  @Test
  void an_unreachable_referralcandy_fails_the_online_check(@TempDir Path other) {
    FakeReferralCandyServer gone =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET);
    env.put("REFERRALCANDY_API_BASE", gone.apiBase().toString());
    gone.close();
    Run r = checkConfig("--online");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("not reachable");
  }

  @Test
  void every_command_has_help_and_bad_usage_is_exit_2() {
    assertThat(Cli.run("deliveries", "list", "--help")).isZero();
    assertThat(Cli.run("replay", "--help")).isZero();
    assertThat(Cli.run("resolve", "--help")).isZero();
    assertThat(Cli.run("purge", "--help")).isZero();
    assertThat(Cli.run("check-config", "--help")).isZero();
    assertThat(Cli.run("backfill", "--help")).isZero();
    assertThat(Cli.run("dry-run", "--help")).isZero();
    assertThat(Cli.run("serve", "--help")).isZero();
    assertThat(Cli.run("events", "list", "--help")).isZero();
    assertThat(Cli.run("help", "events")).isZero();
    assertThat(Cli.run("no-such-command")).isEqualTo(2);
    assertThat(Cli.run("resolve", "1")).as("missing --as").isEqualTo(2);
  }
}
