package candybridge.cli;

import candybridge.config.Config;
import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.referralcandy.HttpReferralCandy;
import candybridge.referralcandy.RcResponse;
import candybridge.stripe.StripeEvents;
import candybridge.stripe.StripeJavaEvents;
import candybridge.stripe.StripeUnavailableException;
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
    header = "Checks settings and workflow file, prints them (secrets hidden); --online too.",
    mixinStandardHelpOptions = true,
    description = {
      "Loads and checks the settings (environment) and the workflow file, and prints the",
      "effective configuration with secrets hidden. With --online it also proves the",
      "credentials: ReferralCandy verify.json, and Stripe's Events API when STRIPE_API_KEY is set."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Workflow file to check.") Path config;

  @Option(names = "--online", description = "Also call ReferralCandy and Stripe with the credentials.")
  boolean online;

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
    terminal.out().println("workflows" + (config == null ? " (built-in)" : " (" + config + ")") + ":");
    for (WorkflowDefinition d : workflow.definitions()) {
      terminal.out().println("  " + d.name() + ": " + d.trigger() + " -> " + d.action().key()
          + (d.enabled() ? "" : " (disabled)"));
    }
    if (!online) {
      terminal.out().println("configuration OK (use --online to prove the credentials)");
      return 0;
    }
    boolean ok = referralCandy(settings) & stripe(settings);
    terminal.out().println(ok ? "configuration OK, credentials accepted" : "credentials check FAILED");
    return ok ? 0 : 1;
  }

  private boolean referralCandy(Config settings) {
    Config.ReferralCandy rc = settings.referralCandy();
    try (HttpReferralCandy client =
        new HttpReferralCandy(rc.apiBase(), rc.accessId(), rc.secretKey(), terminal.clock(), rc.timeout())) {
      RcResponse r = client.verify();
      boolean ok = r.status() == 200;
      terminal.out().println("ReferralCandy " + rc.apiBase() + "/verify.json: HTTP " + r.status()
          + (ok ? " (accepted)" : " (" + r.excerpt() + ")"));
      return ok;
    } catch (IOException e) {
      terminal.out().println("ReferralCandy " + rc.apiBase() + ": not reachable (" + e.getMessage() + ")");
      return false;
    }
  }

  private boolean stripe(Config settings) {
    if (settings.stripe().apiKey().isEmpty()) {
      terminal.out().println("Stripe: skipped (no STRIPE_API_KEY; lookups, backfill and reconciliation are off)");
      return true;
    }
    Instant now = terminal.clock().instant();
    try {
      new StripeJavaEvents(settings.stripe().apiKey().get(), settings.stripe().apiBase(), Duration.ofSeconds(10))
          .page(new StripeEvents.Query(now.minus(Duration.ofHours(1)), now, List.of("checkout.session.completed")),
              Optional.empty());
      terminal.out().println("Stripe " + settings.stripe().apiBase() + ": API key accepted (Events API readable)");
      return true;
    } catch (StripeUnavailableException e) {
      terminal.out().println("Stripe " + settings.stripe().apiBase() + ": " + e.getMessage());
      return false;
    }
  }
}
