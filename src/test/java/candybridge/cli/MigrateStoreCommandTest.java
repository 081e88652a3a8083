package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.history.EventQuery;
import candybridge.store.JdbcStore;
import candybridge.testing.MutableClock;
import candybridge.testing.Postgres;
import candybridge.testing.SqliteDeployment;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code migrate-store}: a SQLite deployment made by the real service is copied into a fresh
 * PostgreSQL database, a second run copies nothing, and the service then runs on PostgreSQL with
 * the migrated history and dedupe keys.
 */
class MigrateStoreCommandTest {
  static final String ALL_PRESENT_NONE_COPIED = "(\\d+)\\s+\\1\\s+0\\s+\\1\\s+ok";

  @TempDir Path dir;
  SqliteDeployment.Made source;
  String target;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void make() {
    source = SqliteDeployment.make(dir);
    target = Postgres.freshDatabaseUrl();
  }

  private Run migrate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    MigrateStoreCommand command = new MigrateStoreCommand();
    command.terminal =
        new Terminal(
            Map.of(),
            MutableClock.at(SqliteDeployment.NOW + 3600),
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    int code = new CommandLine(command).execute(args);
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void migrates_every_table_then_a_second_run_copies_nothing() {
    Run first = migrate("--from", source.url(), "--to", target);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("serve on the SQLite database must be stopped")
        .containsPattern("stripe_event\\s+7\\s+7\\s+7\\s+0\\s+ok")
        .containsPattern("delivery\\s+6\\s+6\\s+6\\s+0\\s+ok")
        .containsPattern("delivery_attempt\\s+6\\s+6\\s+6\\s+0\\s+ok")
        .contains("migration complete");
    assertThat(first.err()).contains("delivery_attempt: 6/6");

    Instant at = Instant.ofEpochSecond(SqliteDeployment.NOW);
    try (JdbcStore from = JdbcStore.open(source.url(), at);
        JdbcStore to = JdbcStore.open(target, at)) {
      for (String session :
          List.of(
              source.delivered(),
              source.failed(),
              source.retrying(),
              source.inDoubt(),
              source.replayed(),
              source.pending())) {
        Delivery d = from.findDeliveryByKey("purchase:" + session).orElseThrow();
        assertThat(to.findDeliveryByKey("purchase:" + session)).as(session).contains(d);
        assertThat(to.attempts(d.id())).as(session).isEqualTo(from.attempts(d.id()));
        String event = d.eventId().value();
        assertThat(to.history().event(event)).isEqualTo(from.history().event(event));
        assertThat(to.eventPayload(event)).isPresent().isEqualTo(from.eventPayload(event));
      }
      Delivery replayed = to.findDeliveryByKey("purchase:" + source.replayed()).orElseThrow();
      assertThat(to.attempts(replayed.id()))
          .extracting(a -> a.verdict(), a -> a.httpStatus().orElse(0))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Verdict.FAIL, 400),
              org.assertj.core.groups.Tuple.tuple(Verdict.DELIVERED, 200));
      assertThat(
              to.findDeliveryByKey("purchase:" + source.delivered()).orElseThrow().call().params())
          .containsKey("email")
          .containsEntry("invoice_amount", "30.00");
      assertThat(to.history().event(replayed.eventId().value()).orElseThrow().decisions())
          .contains("checkout-purchase");
    }

    Run second = migrate("--from", source.url(), "--to", target);
    assertThat(second.code()).isZero();
    assertThat(second.out().lines().filter(l -> l.matches("\\w+\\s+" + ALL_PRESENT_NONE_COPIED)))
        .hasSize(3);
  }

  @Test
  void the_service_runs_on_the_migrated_database_with_its_dedupe_keys_history_and_fresh_ids() {
    assertThat(migrate("--from", source.url(), "--to", target).code()).isZero();
    long highestMigratedId;
    try (JdbcStore to = JdbcStore.open(target, Instant.ofEpochSecond(SqliteDeployment.NOW))) {
      highestMigratedId =
          to.findDeliveryByKey("purchase:" + source.pending()).orElseThrow().id().value();
    }
    long now = SqliteDeployment.NOW + 3600;
    try (TestApp t =
        TestApp.start(
            dir.resolve("pg"),
            now,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_DATABASE_URL", target))) {
      // A new event for a sale already delivered before the migration: no second purchase.
      String again = SqliteDeployment.saleEvent(1, "evt_after_migration_same_sale");
      assertThat(StripeWebhooks.postSigned(t.port(), again, now).statusCode()).isEqualTo(200);
      assertThat(t.app.store().deliveriesOfEvent("evt_after_migration_same_sale")).isEmpty();
      // A new sale gets an id past every migrated one.
      assertThat(
              StripeWebhooks.postSigned(
                      t.port(), SqliteDeployment.saleEvent(7, "evt_new_sale"), now)
                  .statusCode())
          .isEqualTo(200);
      Delivery fresh =
          t.app.store().findDeliveryByKey("purchase:" + SqliteDeployment.session(7)).orElseThrow();
      assertThat(fresh.id().value()).isGreaterThan(highestMigratedId);

      t.deliverDue();
      assertThat(t.rc.received("purchase.json"))
          .extracting(c -> c.params().get("email"))
          .hasSize(3);
      assertThat(
              t.app
                  .store()
                  .findDeliveryByKey("purchase:" + source.retrying())
                  .orElseThrow()
                  .status())
          .isEqualTo(DeliveryStatus.DELIVERED);
      assertThat(t.app.store().attempts(fresh.id()))
          .singleElement()
          .satisfies(a -> assertThat(a.verdict()).isEqualTo(Verdict.DELIVERED));
      assertThat(
              t.app
                  .store()
                  .findDeliveryByKey("purchase:" + source.inDoubt())
                  .orElseThrow()
                  .status())
          .as("in doubt stays in doubt: never resent without an operator")
          .isEqualTo(DeliveryStatus.IN_DOUBT);

      var history = t.app.store().history();
      assertThat(
              history
                  .deliveries(
                      new DeliveryQuery(
                          Set.of(DeliveryStatus.DELIVERED),
                          Optional.empty(),
                          Optional.empty(),
                          Optional.empty(),
                          Optional.empty(),
                          Optional.empty()),
                      Optional.empty(),
                      50)
                  .items())
          .extracting(Delivery::dedupeKey)
          .contains(
              "purchase:" + source.delivered(), "purchase:" + source.replayed(), fresh.dedupeKey());
      assertThat(history.events(EventQuery.all(), Optional.empty(), 50).items()).hasSize(9);
    }
  }

  @Test
  void refuses_while_the_source_has_deliveries_in_flight_unless_forced() {
    Instant later = Instant.ofEpochSecond(SqliteDeployment.NOW).plus(Duration.ofHours(1));
    try (JdbcStore s = JdbcStore.open(source.url(), later)) {
      assertThat(s.claimDue(later, 10, "running-serve", later.plusSeconds(60))).isNotEmpty();
    }
    Run refused = migrate("--from", source.url(), "--to", target);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("in flight").contains("stop serve first");
    assertThat(refused.out()).doesNotContain("migration complete");

    Run forced = migrate("--from", source.url(), "--to", target, "--force");
    assertThat(forced.code()).isZero();
    try (JdbcStore to = JdbcStore.open(target, later)) {
      assertThat(to.findDeliveryByKey("purchase:" + source.pending()).orElseThrow().status())
          .isEqualTo(DeliveryStatus.IN_FLIGHT);
    }
  }

  @Test
  void bad_usage_is_exit_2_and_an_unreachable_target_is_exit_1() {
    Path missing = dir.resolve("missing.db");
    assertThat(migrate("--from", source.url(), "--to", source.url()).code())
        .as("same URL")
        .isEqualTo(2);
    assertThat(migrate("--from", target, "--to", target + "&x=1").code())
        .as("source not SQLite")
        .isEqualTo(2);
    assertThat(
            migrate("--from", source.url(), "--to", "jdbc:sqlite:" + dir.resolve("other.db"))
                .code())
        .as("target not PostgreSQL")
        .isEqualTo(2);
    Run noFile = migrate("--from", "jdbc:sqlite:" + missing, "--to", target);
    assertThat(noFile.code()).isEqualTo(2);
    assertThat(noFile.err()).contains("no database file");
    assertThat(missing).as("not created").doesNotExist();
    assertThat(migrate("--from", "jdbc:sqlite::memory:", "--to", target).code()).isEqualTo(2);
    assertThat(migrate("--from", source.url()).code()).as("--to missing").isEqualTo(2);
    assertThat(Cli.run("migrate-store", "--help")).isZero();

    Run down =
        migrate(
            "--from",
            source.url(),
            "--to",
            "jdbc:postgresql://127.0.0.1:1/candybridge?connectTimeout=1");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).contains("database unavailable");
    assertThat(Files.exists(dir.resolve("other.db"))).isFalse();
  }
}
