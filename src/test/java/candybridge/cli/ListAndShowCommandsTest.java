package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.testing.StripeWebhooks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code deliveries list/show} and {@code events list/show} against the service's SQLite file:
 * filters and time windows, each workflow's decision, a buyer's escape sequences printed escaped,
 * and no database created where there was none; exit codes 0 ok, 1 not found, 2 bad usage.
 */
class ListAndShowCommandsTest extends OperatorCommandsFixture {
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
}
