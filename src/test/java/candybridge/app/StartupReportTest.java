package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.config.Config;
import candybridge.config.ConfigLoader;
import candybridge.workflow.Workflow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupReportTest {
  private static final String WEBHOOK_SECRET = "whsec_startup_report_secret";
  private static final String RC_SECRET = "rc-startup-report-secret";
  private static final String ADMIN_TOKEN = "admin-startup-report-token";

  private static Config config(Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET,
                "REFERRALCANDY_ACCESS_ID", "access-id",
                "REFERRALCANDY_SECRET_KEY", RC_SECRET));
    env.putAll(extra);
    return ConfigLoader.fromEnv(env);
  }

  @Test
  void names_each_component_on_its_own_line() {
    List<String> lines =
        StartupReport.components(config(Map.of()), Workflow.defaults(), true, 8080);
    assertThat(lines)
        .extracting(l -> l.substring(0, l.indexOf(':')))
        .containsExactly(
            "store", "workflows", "worker", "stripe", "http", "admin", "alerts", "reconciliation");
    assertThat(lines)
        .contains("admin: off (set CANDYBRIDGE_ADMIN_TOKEN to enable)")
        .anyMatch(l -> l.startsWith("http: candybridge listening on port 8080"))
        .anyMatch(l -> l.startsWith("store: SQLite file candybridge.db"))
        .contains(
            "stripe: mode live (only live-mode events reach ReferralCandy; test-mode ones are stored and ignored),"
                + " 1 webhook secret, API key unset")
        .anyMatch(l -> l.startsWith("worker: running, 16 senders, 12 retries over 4.3d"))
        .anyMatch(
            l ->
                l.startsWith(
                    "workflows: 2 of 2 enabled (checkout-purchase, checkout-async-purchase)"));
  }

  @Test
  void warns_when_the_key_or_referralcandy_does_not_fit_the_stripe_mode() {
    assertThat(StartupReport.warnings(config(Map.of("STRIPE_API_KEY", "sk_test_abc"))))
        .containsExactly(
            "STRIPE_API_KEY is a test-mode key but CANDYBRIDGE_STRIPE_MODE=live: set"
                + " CANDYBRIDGE_STRIPE_MODE=test or use a live-mode key");
    assertThat(
            StartupReport.warnings(
                config(Map.of("CANDYBRIDGE_STRIPE_MODE", "test", "STRIPE_API_KEY", "rk_test_abc"))))
        .singleElement()
        .asString()
        .startsWith("CANDYBRIDGE_STRIPE_MODE=test with the real ReferralCandy");
    assertThat(
            StartupReport.warnings(
                config(
                    Map.of(
                        "CANDYBRIDGE_STRIPE_MODE",
                        "test",
                        "REFERRALCANDY_API_BASE",
                        "http://127.0.0.1:9000/api/v1",
                        "STRIPE_API_KEY",
                        "sk_test_abc"))))
        .isEmpty();
    assertThat(
            StartupReport.components(
                config(Map.of("CANDYBRIDGE_STRIPE_MODE", "any", "STRIPE_API_KEY", "sk_live_x")),
                Workflow.defaults(),
                true,
                0))
        .contains(
            "stripe: mode any (live- and test-mode events reach ReferralCandy),"
                + " 1 webhook secret, API key live-mode");
  }

  @Test
  void default_settings_raise_no_warning() {
    assertThat(StartupReport.warnings(config(Map.of()))).isEmpty();
  }

  @Test
  void warns_about_risky_settings_without_repeating_a_secret() {
    Config risky =
        config(
            Map.of(
                "CANDYBRIDGE_RETRY_SCHEDULE", "30s,1h,1d",
                "CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN,
                "REFERRALCANDY_API_BASE", "http://rc.example.net/api/v1",
                "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET + ",sk_live_oops",
                "CANDYBRIDGE_DATABASE_URL",
                    "jdbc:postgresql://bridge:pg-password@db.internal/bridge?password=pg-password"));
    List<String> warnings = StartupReport.warnings(risky);
    assertThat(warnings).hasSize(5);
    assertThat(warnings.get(0))
        .startsWith("CANDYBRIDGE_RETRY_SCHEDULE retries for only 1.0d:")
        .contains("Stripe itself retries for 3d");
    assertThat(warnings)
        .anyMatch(w -> w.startsWith("admin is on and served over plain HTTP"))
        .anyMatch(
            w ->
                w.startsWith(
                    "admin is on and the server listens on 0.0.0.0, not only on this machine"))
        .anyMatch(w -> w.startsWith("REFERRALCANDY_API_BASE is plain http"))
        .anyMatch(w -> w.startsWith("STRIPE_WEBHOOK_SECRET: 1 of 2 values"));
    List<String> all = new java.util.ArrayList<>(warnings);
    all.addAll(StartupReport.components(risky, Workflow.defaults(), true, 0));
    assertThat(String.join("\n", all))
        .doesNotContain(WEBHOOK_SECRET, RC_SECRET, ADMIN_TOKEN, "sk_live_oops", "pg-password")
        .contains("store: PostgreSQL db.internal/bridge");
  }

  @Test
  void the_admin_on_a_loopback_address_raises_no_bind_warning() {
    for (String address : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
      Config local =
          config(
              Map.of("CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN, "CANDYBRIDGE_BIND_ADDRESS", address));
      assertThat(StartupReport.warnings(local))
          .as(address)
          .noneMatch(w -> w.contains("listens on"));
      assertThat(StartupReport.components(local, Workflow.defaults(), true, 8080))
          .contains(
              "http: candybridge listening on port 8080 of "
                  + address
                  + " (POST /webhooks/stripe, /healthz, /readyz, /metrics)");
    }
    Config everywhere =
        config(
            Map.of("CANDYBRIDGE_ADMIN_TOKEN", ADMIN_TOKEN, "CANDYBRIDGE_BIND_ADDRESS", "10.1.2.3"));
    assertThat(StartupReport.warnings(everywhere))
        .anyMatch(w -> w.startsWith("admin is on and the server listens on 10.1.2.3"));
    assertThat(StartupReport.warnings(config(Map.of()))).as("no admin: no bind warning").isEmpty();
  }
}
