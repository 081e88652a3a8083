package candybridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_WEBHOOK_SECRET", "whsec_a");
    env.put("REFERRALCANDY_ACCESS_ID", "access");
    env.put("REFERRALCANDY_SECRET_KEY", "rc-secret");
    return env;
  }

  @Test
  void defaults_apply_when_only_required_settings_are_given() {
    Config c = ConfigLoader.fromEnv(minimal());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.http().bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.http().loopbackOnly()).isFalse();
    assertThat(c.store().databaseUrl()).isEqualTo("jdbc:sqlite:candybridge.db");
    assertThat(c.store().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.referralCandy().apiBase())
        .isEqualTo(URI.create("https://my.referralcandy.com/api/v1"));
    assertThat(c.stripe().apiBase()).isEqualTo(URI.create("https://api.stripe.com"));
    assertThat(c.stripe().apiKey()).isEmpty();
    assertThat(c.admin().token()).isEmpty();
    assertThat(c.delivery().alertWebhookUrl()).isEmpty();
  }

  @Test
  void stripe_mode_is_live_unless_set_to_test_or_any() {
    assertThat(ConfigLoader.fromEnv(minimal()).stripe().mode()).isEqualTo(StripeMode.LIVE);
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_STRIPE_MODE", " Test ");
    assertThat(ConfigLoader.fromEnv(env).stripe().mode()).isEqualTo(StripeMode.TEST);
    assertThat(ConfigLoader.fromEnv(env).describe()).contains(" stripe.mode=test ");
    env.put("CANDYBRIDGE_STRIPE_MODE", "any");
    assertThat(ConfigLoader.fromEnv(env).stripe().mode()).isEqualTo(StripeMode.ANY);
    env.put("CANDYBRIDGE_STRIPE_MODE", "sandbox");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_STRIPE_MODE: must be live, test or any, not 'sandbox'");
  }

  @Test
  void a_key_says_its_mode() {
    assertThat(StripeMode.ofKey("sk_test_abc")).isEqualTo(StripeMode.TEST);
    assertThat(StripeMode.ofKey("rk_test_abc")).isEqualTo(StripeMode.TEST);
    assertThat(StripeMode.ofKey("sk_live_abc")).isEqualTo(StripeMode.LIVE);
    assertThat(StripeMode.ofKey("rk_live_abc")).isEqualTo(StripeMode.LIVE);
  }

  @Test
  void default_retry_schedule_spans_at_least_three_days() {
    List<Duration> schedule = ConfigLoader.fromEnv(minimal()).delivery().retrySchedule();
    Duration total = schedule.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(total).isGreaterThanOrEqualTo(Duration.ofDays(3));
    // Exponential growth: no delay is shorter than the one before it.
    for (int i = 1; i < schedule.size(); i++) {
      assertThat(schedule.get(i)).isGreaterThanOrEqualTo(schedule.get(i - 1));
    }
  }

  @Test
  void webhook_secrets_are_split_on_commas_and_trimmed() {
    Map<String, String> env = minimal();
    env.put("STRIPE_WEBHOOK_SECRET", " whsec_new , whsec_old\n");
    assertThat(ConfigLoader.fromEnv(env).stripe().webhookSecrets())
        .extracting(Secret::reveal)
        .containsExactly("whsec_new", "whsec_old");
  }

  @Test
  void retry_schedule_is_read_as_data() {
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_RETRY_SCHEDULE", "30s,2m,10m,1h");
    assertThat(ConfigLoader.fromEnv(env).delivery().retrySchedule())
        .containsExactly(
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofMinutes(10),
            Duration.ofHours(1));
  }

  @Test
  void every_bad_setting_is_named_in_one_message() {
    Map<String, String> env = new HashMap<>();
    env.put("CANDYBRIDGE_PORT", "eighty");
    env.put("CANDYBRIDGE_RETRY_SCHEDULE", "30s,,2m");
    env.put("REFERRALCANDY_API_BASE", "ftp://example.com");
    env.put("CANDYBRIDGE_RETENTION", "forever");
    env.put("CANDYBRIDGE_DATABASE_URL", "mysql://x");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CANDYBRIDGE_PORT")
        .hasMessageContaining("CANDYBRIDGE_RETRY_SCHEDULE")
        .hasMessageContaining("REFERRALCANDY_API_BASE")
        .hasMessageContaining("CANDYBRIDGE_RETENTION")
        .hasMessageContaining("CANDYBRIDGE_DATABASE_URL")
        .hasMessageContaining("STRIPE_WEBHOOK_SECRET is required")
        .hasMessageContaining("REFERRALCANDY_ACCESS_ID is required")
        .hasMessageContaining("REFERRALCANDY_SECRET_KEY is required")
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(8));
  }

  @Test
  void secrets_never_show_in_config_text() {
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_ADMIN_TOKEN", "admin-token-value-0123456789");
    env.put("STRIPE_API_KEY", "sk_test_value");
    Config c = ConfigLoader.fromEnv(env);
    assertThat(c.toString() + c.describe())
        .doesNotContain("whsec_a", "rc-secret", "admin-token-value", "sk_test_value");
  }

  @Test
  void an_admin_token_shorter_than_24_characters_stops_start_up_without_showing_it() {
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_ADMIN_TOKEN", " x7-short-admin-token-23 ");
    assertThat("x7-short-admin-token-23").hasSize(23);
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "CANDYBRIDGE_ADMIN_TOKEN is too short: it needs at least 24 characters")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("x7-short"));

    env.put("CANDYBRIDGE_ADMIN_TOKEN", "x".repeat(24));
    assertThat(ConfigLoader.fromEnv(env).admin().token())
        .hasValueSatisfying(t -> assertThat(t.reveal()).hasSize(24));
  }

  @Test
  void a_malformed_alert_url_is_named_but_not_printed() {
    Map<String, String> env = minimal();
    for (String url :
        List.of(
            "hooks.example.com/T0/B0/s3cr3tpath",
            "https://hooks.example.com/s3cr3t path{}",
            "ftp://hooks.example.com/s3cr3tpath",
            "https:///s3cr3tpath")) {
      env.put("CANDYBRIDGE_ALERT_WEBHOOK_URL", url);
      assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
          .as(url)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("CANDYBRIDGE_ALERT_WEBHOOK_URL")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t", "hooks.example.com"));
    }
  }

  @Test
  void bind_address_takes_ip_literals_and_localhost() {
    Map<String, String> accepted =
        Map.of(
            "127.0.0.1",
            "127.0.0.1",
            " 0.0.0.0 ",
            "0.0.0.0",
            "10.20.30.40",
            "10.20.30.40",
            "localhost",
            "localhost",
            "LOCALHOST",
            "localhost",
            "::1",
            "::1",
            "[::1]",
            "::1",
            "::",
            "::",
            "fd00::1:2",
            "fd00::1:2");
    accepted.forEach(
        (raw, bound) -> {
          Map<String, String> env = minimal();
          env.put("CANDYBRIDGE_BIND_ADDRESS", raw);
          assertThat(ConfigLoader.fromEnv(env).http().bindAddress()).as(raw).isEqualTo(bound);
        });
    for (String loopback : List.of("127.0.0.1", "127.8.9.10", "localhost", "::1")) {
      Map<String, String> env = minimal();
      env.put("CANDYBRIDGE_BIND_ADDRESS", loopback);
      assertThat(ConfigLoader.fromEnv(env).http().loopbackOnly()).as(loopback).isTrue();
    }
  }

  @Test
  void a_bind_address_that_is_not_an_ip_literal_is_a_config_error_naming_the_setting() {
    for (String bad :
        List.of(
            "example.com",
            "bridge",
            "256.1.1.1",
            "1.2.3",
            "127.1",
            "127.0.0.1:8080",
            "http://127.0.0.1",
            "::g",
            "1::2::3",
            "*",
            "0x7f.0.0.1",
            "fe80::1%eth0",
            "local host")) {
      Map<String, String> env = minimal();
      env.put("CANDYBRIDGE_BIND_ADDRESS", bad);
      assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("CANDYBRIDGE_BIND_ADDRESS")
          .hasMessageContaining("is not an IP address");
    }
  }

  @Test
  void port_zero_means_any_free_port() {
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_PORT", "0");
    assertThat(ConfigLoader.fromEnv(env).http().port()).isZero();
  }

  @Test
  void database_url_credentials_are_redacted_in_the_description() {
    assertThat(Config.redactUrl("jdbc:sqlite:/tmp/x.db")).isEqualTo("jdbc:sqlite:/tmp/x.db");
    assertThat(Config.redactUrl("jdbc:postgresql://u:pw@db/x?password=pw")).doesNotContain("pw");
  }

  @Test
  void database_wait_defaults_to_a_minute_accepts_zero_and_shows_for_postgresql() {
    assertThat(ConfigLoader.fromEnv(minimal()).store().databaseWait())
        .isEqualTo(Duration.ofSeconds(60));
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_DATABASE_WAIT", "0s");
    assertThat(ConfigLoader.fromEnv(env).store().databaseWait()).isZero();
    env.put("CANDYBRIDGE_DATABASE_WAIT", "2m");
    env.put("CANDYBRIDGE_DATABASE_URL", "jdbc:postgresql://db/x?user=u&password=pw");
    Config c = ConfigLoader.fromEnv(env);
    assertThat(c.store().databaseWait()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.describe()).contains("databaseWait=2m").doesNotContain("pw");
    assertThat(c.store().shownUrl()).isEqualTo("jdbc:postgresql://db/x?…");
    env.put("CANDYBRIDGE_DATABASE_WAIT", "soon");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_DATABASE_WAIT");
  }

  @Test
  void durations_parse_in_every_unit() {
    assertThat(DurationText.parseList("500ms,30s,2m,1h,3d"))
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofHours(1),
            Duration.ofDays(3));
    assertThatThrownBy(() -> DurationText.parse("10 minutes")).hasMessageContaining("10 minutes");
  }

  @Test
  void e_mail_alerts_read_the_smtp_url_and_show_only_its_host_and_port() {
    Map<String, String> env = minimal();
    env.put(
        "CANDYBRIDGE_SMTP_URL", "smtp://alerts%40shop.example:p%40ss-w0rd-xyz@mail.shop.example");
    env.put("CANDYBRIDGE_ALERT_EMAIL_TO", "ops@shop.example, owner@shop.example");
    Config c = ConfigLoader.fromEnv(env);
    Config.AlertEmail email = c.alerting().email().orElseThrow();
    assertThat(email.smtp().implicitTls()).isFalse();
    assertThat(email.smtp().host()).isEqualTo("mail.shop.example");
    assertThat(email.smtp().port()).isEqualTo(587);
    assertThat(email.smtp().user()).contains("alerts@shop.example");
    assertThat(email.smtp().password().orElseThrow().reveal()).isEqualTo("p@ss-w0rd-xyz");
    assertThat(email.to()).containsExactly("ops@shop.example", "owner@shop.example");
    assertThat(email.from()).as("defaults to the first recipient").isEqualTo("ops@shop.example");
    assertThat(c.describe()).contains(" alertEmail=smtp://mail.shop.example:587");
    assertThat(c.describe() + c).doesNotContain("p@ss", "ss-w0rd", "ops@", "owner@", "alerts%40");

    env.put("CANDYBRIDGE_SMTP_URL", "smtps://mail.shop.example");
    env.put("CANDYBRIDGE_ALERT_EMAIL_FROM", "candybridge@shop.example");
    Config.AlertEmail tls = ConfigLoader.fromEnv(env).alerting().email().orElseThrow();
    assertThat(tls.smtp().implicitTls()).isTrue();
    assertThat(tls.smtp().port()).isEqualTo(465);
    assertThat(tls.smtp().user()).isEmpty();
    assertThat(tls.from()).isEqualTo("candybridge@shop.example");
    assertThat(ConfigLoader.fromEnv(minimal()).alerting().email()).isEmpty();
  }

  @Test
  void half_an_e_mail_setting_or_a_bad_one_stops_start_up_without_showing_the_value() {
    Map<String, String> env = minimal();
    env.put("CANDYBRIDGE_ALERT_EMAIL_TO", "ops@shop.example");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_ALERT_EMAIL_TO is set but CANDYBRIDGE_SMTP_URL is not");
    env.remove("CANDYBRIDGE_ALERT_EMAIL_TO");
    env.put("CANDYBRIDGE_SMTP_URL", "smtp://u:hunter2-secret@mail.shop.example:25");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_SMTP_URL is set but CANDYBRIDGE_ALERT_EMAIL_TO is not");
    env.put("CANDYBRIDGE_SMTP_URL", "https://u:hunter2-secret@mail.shop.example");
    env.put("CANDYBRIDGE_ALERT_EMAIL_TO", "ops@shop.example,not-an-address");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_SMTP_URL: is not an smtp:// or smtps:// URL")
        .hasMessageContaining("CANDYBRIDGE_ALERT_EMAIL_TO: address 2 of 2 is not an e-mail address")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("hunter2", "not-an-address", "ops@"));
  }

  @Test
  void the_public_url_gives_the_admin_page_that_alerts_link_to() {
    Map<String, String> env = minimal();
    assertThat(ConfigLoader.fromEnv(env).alerting().adminPage()).isEmpty();
    env.put("CANDYBRIDGE_PUBLIC_URL", "https://shop.example.com/webhooks/stripe");
    assertThat(ConfigLoader.fromEnv(env).alerting().adminPage())
        .contains(URI.create("https://shop.example.com/admin"));
    env.put("CANDYBRIDGE_PUBLIC_URL", "https://example.com:8443/candy/webhooks/stripe");
    assertThat(ConfigLoader.fromEnv(env).alerting().adminPage())
        .contains(URI.create("https://example.com:8443/candy/admin"));
    assertThat(ConfigLoader.fromEnv(env).describe())
        .contains(" alertLinks=https://example.com:8443/candy/admin");
    env.put("CANDYBRIDGE_PUBLIC_URL", "shop.example.com");
    assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
        .hasMessageContaining("CANDYBRIDGE_PUBLIC_URL: is not an http(s) URL");
  }
}
