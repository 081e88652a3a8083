package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import candybridge.testing.StripeWebhooks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code replay} and {@code resolve} against the service's SQLite file: by id or by status, bulk
 * resolution of in-doubt deliveries shown and confirmed first (or {@code --yes}), within a window
 * of creation times; exit codes 0 done, 1 refused, 2 bad usage.
 */
class ReplayAndResolveCommandsTest extends OperatorCommandsFixture {
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
}
