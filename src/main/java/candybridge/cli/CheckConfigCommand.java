package candybridge.cli;

import candybridge.config.Config;
import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.config.StripeMode;
import candybridge.referralcandy.HttpReferralCandy;
import candybridge.referralcandy.RcResponse;
import candybridge.stripe.EndpointPlan;
import candybridge.stripe.StripeCallException;
import candybridge.stripe.StripeEvents;
import candybridge.stripe.StripeJavaEvents;
import candybridge.stripe.StripeUnavailableException;
import candybridge.stripe.StripeWebhookEndpoints;
import candybridge.stripe.WebhookEndpoint;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowDefinition;
import candybridge.workflow.WorkflowFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "check-config",
    header = "Checks and prints the settings and the workflow file.",
    mixinStandardHelpOptions = true,
    description = {
      "Loads and checks the settings (environment) and the workflow file, and prints the"
          + " effective configuration with secrets hidden. With --online it also proves the"
          + " credentials: ReferralCandy verify.json, and with STRIPE_API_KEY set, Stripe: the Events API"
          + " is readable, the key's mode matches CANDYBRIDGE_STRIPE_MODE, and (with --url or"
          + " CANDYBRIDGE_PUBLIC_URL) an enabled webhook endpoint for the URL sends every enabled"
          + " workflow's trigger. Exit codes: 0 OK, 1 a check failed, 2 bad settings."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Workflow file to check.")
  Path config;

  @Option(
      names = "--online",
      description = "Also call ReferralCandy and Stripe with the credentials.")
  boolean online;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "With --online: the public webhook URL whose Stripe endpoint to check;"
              + " default: CANDYBRIDGE_PUBLIC_URL.")
  String url;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    Config settings;
    Workflow workflow;
    try {
      settings = ConfigLoader.fromEnv(terminal.env());
      workflow = config == null ? Workflow.defaults() : WorkflowFile.load(config);
    } catch (ConfigException e) {
      terminal.err().println("candybridge: " + e.getMessage());
      return 2;
    }
    terminal.out().println("settings: " + settings.describe());
    terminal
        .out()
        .println("workflows" + (config == null ? " (built-in)" : " (" + config + ")") + ":");
    for (WorkflowDefinition d : workflow.definitions()) {
      terminal
          .out()
          .println(
              "  "
                  + d.name()
                  + ": "
                  + d.trigger()
                  + " -> "
                  + d.action().key()
                  + (d.enabled() ? "" : " (disabled)"));
    }
    if (!online) {
      terminal.out().println("configuration OK (use --online to prove the credentials)");
      return 0;
    }
    Optional<WebhookUrl> webhook;
    try {
      String given = url != null ? url : terminal.env().getOrDefault("CANDYBRIDGE_PUBLIC_URL", "");
      webhook = given.isBlank() ? Optional.empty() : Optional.of(WebhookUrl.parse(given));
    } catch (IllegalArgumentException e) {
      terminal
          .err()
          .println(
              "candybridge: "
                  + (url != null ? "--url: " : "CANDYBRIDGE_PUBLIC_URL: ")
                  + e.getMessage());
      return 2;
    }
    // Both checks run, so one run reports every credential that fails, not only the first.
    boolean referralCandyOk = referralCandy(settings);
    boolean stripeOk = stripe(settings, workflow, webhook);
    boolean ok = referralCandyOk && stripeOk;
    terminal
        .out()
        .println(ok ? "configuration OK, credentials accepted" : "credentials check FAILED");
    return ok ? 0 : 1;
  }

  private boolean referralCandy(Config settings) {
    Config.ReferralCandy rc = settings.referralCandy();
    try (HttpReferralCandy client =
        new HttpReferralCandy(
            rc.apiBase(), rc.accessId(), rc.secretKey(), terminal.clock(), rc.timeout())) {
      RcResponse r = client.verify();
      boolean ok = r.status() == 200;
      terminal
          .out()
          .println(
              "ReferralCandy "
                  + rc.apiBase()
                  + "/verify.json: HTTP "
                  + r.status()
                  + (ok ? " (accepted)" : " (" + oneLine(r.body()) + ")"));
      return ok;
    } catch (IOException e) {
      terminal
          .out()
          .println("ReferralCandy " + rc.apiBase() + ": not reachable (" + e.getMessage() + ")");
      return false;
    }
  }

  /** At most the first 200 characters, on one line: never a whole HTML page. */
  static String oneLine(String body) {
    return StripeWebhookEndpoints.excerpt(body);
  }

  private boolean stripe(Config settings, Workflow workflow, Optional<WebhookUrl> webhook) {
    if (settings.stripe().apiKey().isEmpty()) {
      terminal
          .out()
          .println(
              "Stripe: skipped (no STRIPE_API_KEY; lookups, backfill and reconciliation are off;"
                  + " the webhook endpoint is not checked)");
      return true;
    }
    boolean readable = events(settings);
    boolean mode = mode(settings);
    boolean endpoint = endpoint(settings, workflow, webhook);
    return readable && mode && endpoint;
  }

  private boolean mode(Config settings) {
    StripeMode configured = settings.stripe().mode();
    StripeMode key = StripeMode.ofKey(settings.stripe().apiKey().get().reveal());
    if (configured == StripeMode.ANY || configured == key) {
      terminal
          .out()
          .println(
              "Stripe mode: STRIPE_API_KEY is a "
                  + key.wireName()
                  + "-mode key, "
                  + StripeMode.SETTING
                  + "="
                  + configured.wireName()
                  + " (OK)");
      return true;
    }
    terminal
        .out()
        .println(
            "Stripe mode: STRIPE_API_KEY is a "
                + key.wireName()
                + "-mode key but "
                + StripeMode.SETTING
                + "="
                + configured.wireName()
                + ": set "
                + StripeMode.SETTING
                + "="
                + key.wireName()
                + ", or use a "
                + configured.wireName()
                + "-mode key (FAILED)");
    return false;
  }

  private boolean endpoint(Config settings, Workflow workflow, Optional<WebhookUrl> webhook) {
    if (webhook.isEmpty()) {
      terminal
          .out()
          .println(
              "Stripe endpoint: not checked (give --url https://HOST/webhooks/stripe or set"
                  + " CANDYBRIDGE_PUBLIC_URL)");
      return true;
    }
    String at = webhook.get().toString();
    List<String> triggers = workflow.triggers();
    EndpointPlan plan;
    try {
      plan =
          EndpointPlan.of(
              new StripeWebhookEndpoints(
                      settings.stripe().apiKey().get(),
                      settings.stripe().apiBase(),
                      Duration.ofSeconds(10))
                  .list(),
              at,
              triggers);
    } catch (StripeCallException e) {
      terminal
          .out()
          .println(
              "Stripe endpoint for "
                  + at
                  + ": cannot list the webhook endpoints ("
                  + e.getMessage()
                  + ")"
                  + (e.status() == 403
                      ? ": give the restricted key Webhook Endpoints read access"
                      : "")
                  + " (FAILED)");
      return false;
    }
    String fix = "; run: candybridge connect-stripe --url " + at + " (FAILED)";
    switch (plan.action()) {
      case CREATE -> {
        terminal.out().println("Stripe endpoint for " + at + ": none" + fix);
        return false;
      }
      case AMBIGUOUS -> {
        terminal.out().println("Stripe endpoint: " + plan.changes().get(0) + " (FAILED)");
        return false;
      }
      default -> {}
    }
    WebhookEndpoint e = plan.endpoint().orElseThrow();
    List<String> missing = triggers.stream().filter(t -> !e.sends(List.of(t))).toList();
    if (!e.enabled()) {
      terminal.out().println("Stripe endpoint " + e.id() + " for " + at + ": disabled" + fix);
      return false;
    }
    if (!missing.isEmpty()) {
      terminal
          .out()
          .println(
              "Stripe endpoint "
                  + e.id()
                  + " for "
                  + at
                  + ": does not send "
                  + String.join(", ", missing)
                  + ", which enabled workflows need"
                  + fix);
      return false;
    }
    terminal
        .out()
        .println(
            "Stripe endpoint "
                + e.id()
                + " for "
                + at
                + ": enabled, sends every trigger ("
                + String.join(", ", triggers)
                + ")");
    return true;
  }

  private boolean events(Config settings) {
    Instant now = terminal.clock().instant();
    try {
      new StripeJavaEvents(
              settings.stripe().apiKey().get(), settings.stripe().apiBase(), Duration.ofSeconds(10))
          .page(
              new StripeEvents.Query(
                  now.minus(Duration.ofHours(1)), now, List.of("checkout.session.completed")),
              Optional.empty());
      terminal
          .out()
          .println(
              "Stripe " + settings.stripe().apiBase() + ": API key accepted (Events API readable)");
      return true;
    } catch (StripeUnavailableException e) {
      terminal.out().println("Stripe " + settings.stripe().apiBase() + ": " + e.getMessage());
      return false;
    }
  }
}
