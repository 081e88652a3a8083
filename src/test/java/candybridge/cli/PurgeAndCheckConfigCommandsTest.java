package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code purge} (payloads go, dedupe keys and unfinished work stay), {@code check-config} (no
 * secret printed; {@code --online} proves the credentials), and help and bad usage (exit 2) for
 * every command.
 */
class PurgeAndCheckConfigCommandsTest extends OperatorCommandsFixture {
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
