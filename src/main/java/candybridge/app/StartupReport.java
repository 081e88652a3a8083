package candybridge.app;

import candybridge.config.Config;
import candybridge.config.DurationText;
import candybridge.config.StripeMode;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What start-up tells the operator: one line per component (store, workflows, worker, HTTP, admin,
 * alerts, reconciliation), then a warning for each risky setting. Lines never hold a secret or a
 * database credential; pure apart from {@link #log}.
 */
final class StartupReport {
  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

  /** How long Stripe itself keeps retrying a webhook; our retries should last at least as long. */
  static final Duration STRIPE_RETRY_WINDOW = Duration.ofDays(3);

  private StartupReport() {}

  static void log(Config config, Workflow workflow, boolean workerRuns, int port) {
    components(config, workflow, workerRuns, port).forEach(line -> log.info("{}", line));
    warnings(config).forEach(line -> log.warn("{}", line));
  }

  static List<String> components(Config config, Workflow workflow, boolean workerRuns, int port) {
    Config.Delivery d = config.delivery();
    List<WorkflowDefinition> defs = workflow.definitions();
    return List.of(
        "store: "
            + store(config.store().databaseUrl())
            + ", retention "
            + DurationText.format(config.store().retention()),
        "workflows: "
            + defs.stream().filter(WorkflowDefinition::enabled).count()
            + " of "
            + defs.size()
            + " enabled ("
            + defs.stream()
                .map(w -> w.name() + (w.enabled() ? "" : " off"))
                .collect(Collectors.joining(", "))
            + ")",
        "worker: "
            + (workerRuns
                ? "running, "
                    + d.concurrency()
                    + " senders, "
                    + d.retrySchedule().size()
                    + " retries over "
                    + approximately(horizon(d))
                    + ", to "
                    + config.referralCandy().apiBase()
                : "not started (driven by the caller)"),
        "stripe: " + stripe(config.stripe()),
        "http: candybridge listening on port "
            + port
            + " of "
            + config.http().bindAddress()
            + (everyInterface(config.http().bindAddress()) ? " (every interface)" : "")
            + " (POST /webhooks/stripe, /healthz, /readyz, /metrics)",
        "admin: "
            + (config.admin().token().isPresent()
                ? "on at /admin and /api/ (token required)"
                : "off (set CANDYBRIDGE_ADMIN_TOKEN to enable)"),
        "alerts: " + alerts(config),
        "reconciliation: "
            + config
                .stripe()
                .reconcile()
                .map(
                    r ->
                        "every "
                            + DurationText.format(r.every())
                            + " over "
                            + DurationText.format(r.window()))
                .orElse("off"));
  }

  /** Where alerts go: "WARN log lines only", or the webhook and the mail server, and the links. */
  private static String alerts(Config config) {
    List<String> to = new ArrayList<>();
    config.delivery().alertWebhookUrl().ifPresent(u -> to.add("POSTed to the alert webhook"));
    config
        .alerting()
        .email()
        .ifPresent(
            e -> to.add("e-mailed through " + e.smtp() + " to " + e.to().size() + " address(es)"));
    if (to.isEmpty()) {
      return "WARN log lines only";
    }
    return String.join(", ", to)
        + (config.admin().token().isPresent()
            ? config
                .alerting()
                .adminPage()
                .map(p -> ", linking to " + p)
                .orElse(", without links to the admin page (set CANDYBRIDGE_PUBLIC_URL)")
            : "");
  }

  static List<String> warnings(Config config) {
    List<String> warnings = new ArrayList<>();
    Duration horizon = horizon(config.delivery());
    if (horizon.compareTo(STRIPE_RETRY_WINDOW) < 0) {
      warnings.add(
          "CANDYBRIDGE_RETRY_SCHEDULE retries for only "
              + approximately(horizon)
              + ": a ReferralCandy outage longer than that fails deliveries (Stripe itself retries for 3d)");
    }
    if (config.admin().token().isPresent()) {
      warnings.add(
          "admin is on and served over plain HTTP: reach it only through a TLS reverse proxy"
              + " (deploy/Caddyfile) or from this machine, since the token travels with every request");
      if (!config.http().loopbackOnly()) {
        warnings.add(
            "admin is on and the server listens on "
                + config.http().bindAddress()
                + ", not only on this machine: anyone who reaches the port can try the token and read /metrics;"
                + " behind a reverse proxy on this host set CANDYBRIDGE_BIND_ADDRESS=127.0.0.1");
      }
    }
    URI rc = config.referralCandy().apiBase();
    if ("http".equals(rc.getScheme()) && !isLoopback(rc)) {
      warnings.add(
          "REFERRALCANDY_API_BASE is plain http to "
              + rc.getHost()
              + ": signed calls and customer data travel unencrypted");
    }
    StripeMode mode = config.stripe().mode();
    config
        .stripe()
        .apiKey()
        .map(k -> StripeMode.ofKey(k.value()))
        .filter(keyMode -> mode != StripeMode.ANY && keyMode != mode)
        .ifPresent(
            keyMode ->
                warnings.add(
                    "STRIPE_API_KEY is a "
                        + keyMode.wireName()
                        + "-mode key but "
                        + StripeMode.SETTING
                        + "="
                        + mode.wireName()
                        + ": set "
                        + StripeMode.SETTING
                        + "="
                        + keyMode.wireName()
                        + " or use a "
                        + mode.wireName()
                        + "-mode key"));
    if (mode != StripeMode.LIVE && "my.referralcandy.com".equals(rc.getHost())) {
      warnings.add(
          StripeMode.SETTING
              + "="
              + mode.wireName()
              + " with the real ReferralCandy: test-mode"
              + " Stripe events create real purchases and rewards (ReferralCandy has no test mode;"
              + " point REFERRALCANDY_API_BASE at a stand-in to try things out)");
    }
    long odd =
        config.stripe().webhookSecrets().stream()
            .filter(s -> !s.value().startsWith("whsec_"))
            .count();
    if (odd > 0) {
      warnings.add(
          "STRIPE_WEBHOOK_SECRET: "
              + odd
              + " of "
              + config.stripe().webhookSecrets().size()
              + " values do not start with whsec_ (an API key instead of the endpoint's signing secret?)");
    }
    return warnings;
  }

  private static String stripe(Config.Stripe stripe) {
    String which =
        switch (stripe.mode()) {
          case LIVE ->
              "only live-mode events reach ReferralCandy; test-mode ones are stored and ignored";
          case TEST ->
              "only test-mode events reach ReferralCandy; live-mode ones are stored and ignored";
          case ANY -> "live- and test-mode events reach ReferralCandy";
        };
    return "mode "
        + stripe.mode().wireName()
        + " ("
        + which
        + "), "
        + stripe.webhookSecrets().size()
        + " webhook secret"
        + (stripe.webhookSecrets().size() == 1 ? "" : "s")
        + ", API key "
        + stripe
            .apiKey()
            .map(k -> StripeMode.ofKey(k.value()).wireName() + "-mode")
            .orElse("unset");
  }

  private static Duration horizon(Config.Delivery d) {
    return d.retrySchedule().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /** {@code 4.3d}, {@code 11.5h}, {@code 40m}: a horizon at a glance. */
  static String approximately(Duration d) {
    if (d.compareTo(Duration.ofDays(1)) >= 0) {
      return String.format(java.util.Locale.ROOT, "%.1fd", d.toMinutes() / 1440.0);
    }
    if (d.compareTo(Duration.ofHours(1)) >= 0) {
      return String.format(java.util.Locale.ROOT, "%.1fh", d.toMinutes() / 60.0);
    }
    return DurationText.format(d);
  }

  private static boolean everyInterface(String bindAddress) {
    return bindAddress.equals("0.0.0.0")
        || bindAddress.equals("::")
        || bindAddress.equals("0:0:0:0:0:0:0:0");
  }

  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  /** The kind of store and where, without credentials or query parameters. */
  private static String store(String url) {
    if (url.startsWith("jdbc:sqlite:")) {
      return "SQLite file " + url.substring("jdbc:sqlite:".length());
    }
    String rest = url.substring(url.indexOf("//") + 2);
    rest = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
    return "PostgreSQL " + rest.substring(rest.indexOf('@') + 1);
  }
}
