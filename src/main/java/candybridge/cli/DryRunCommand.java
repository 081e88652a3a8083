package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.Secret;
import candybridge.config.StripeMode;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcSigner;
import candybridge.stripe.CachingStripeApi;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.stripe.StripeJavaApi;
import candybridge.workflow.DryRun;
import candybridge.workflow.EventView;
import candybridge.workflow.Lookups;
import candybridge.workflow.StripeLookups;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "dry-run",
    header = "Shows what the workflows would do with an event file.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what every workflow would do with a Stripe event file: matched or why not, and the"
          + " exact ReferralCandy parameters it would send. Nothing is stored or sent.",
      "With REFERRALCANDY_ACCESS_ID and REFERRALCANDY_SECRET_KEY set, the signature is shown"
          + " (never the secret); with STRIPE_API_KEY set, Stripe lookups are made (read-only).",
      "CANDYBRIDGE_STRIPE_MODE (default live) applies as in serve: a test-mode event plans nothing"
          + " in live mode, and each workflow says so."
    })
final class DryRunCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Workflow file; default: the built-in workflows.")
  Path config;

  @Option(
      names = "--include-disabled",
      description =
          "Also evaluate workflows with enabled: false, as if they were enabled (marked \"disabled\"): what they would do once turned on.")
  boolean includeDisabled;

  @Parameters(paramLabel = "EVENT.json", description = "A Stripe event, as Stripe sends it.")
  Path eventFile;

  @Override
  public Integer call() {
    return run(System.getenv(), Clock.systemUTC(), System.out, System.err);
  }

  int run(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    Workflow workflow;
    StripeEvent event;
    try {
      workflow =
          (config == null ? Workflow.defaults() : WorkflowFile.load(config))
              .inMode(StripeMode.fromEnv(env));
      event = new StripeEventParser().parse(Files.readAllBytes(eventFile));
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("candybridge: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("candybridge: cannot read " + eventFile + ": " + e.getMessage());
      return 2;
    } catch (InvalidEventException e) {
      err.println("candybridge: " + eventFile + " is not a Stripe event: " + e.getMessage());
      return 2;
    }
    List<DryRun.Entry> entries;
    try {
      entries = DryRun.of(workflow, EventView.of(event), lookups(env, clock), includeDisabled);
    } catch (Lookups.UnavailableException e) {
      err.println("candybridge: Stripe lookup failed: " + e.getMessage());
      return 1;
    }
    Set<String> disabled =
        includeDisabled
            ? workflow.definitions().stream()
                .filter(d -> !d.enabled())
                .map(d -> d.name())
                .collect(Collectors.toSet())
            : Set.of();
    out.print(render(event, entries, disabled, env, clock));
    return 0;
  }

  private static Lookups lookups(Map<String, String> env, Clock clock) {
    String key = env.getOrDefault("STRIPE_API_KEY", "").strip();
    if (key.isEmpty()) {
      return StripeLookups.none();
    }
    URI base = URI.create(env.getOrDefault("STRIPE_API_BASE", "https://api.stripe.com").strip());
    return new StripeLookups(
        new CachingStripeApi(
            new StripeJavaApi(new Secret(key), base, Duration.ofSeconds(10)),
            clock,
            Duration.ofMinutes(1),
            100));
  }

  /** The report; the signature is computed as the client would at this clock second. */
  static String render(
      StripeEvent event, List<DryRun.Entry> entries, Map<String, String> env, Clock clock) {
    return render(event, entries, Set.of(), env, clock);
  }

  /**
   * The same; the workflows named in {@code disabled} are marked as evaluated although disabled.
   */
  static String render(
      StripeEvent event,
      List<DryRun.Entry> entries,
      Set<String> disabled,
      Map<String, String> env,
      Clock clock) {
    StringBuilder s = new StringBuilder();
    s.append("event ")
        .append(Terminal.shown(event.id()))
        .append(" (")
        .append(Terminal.shown(event.type()))
        .append(", ")
        .append(event.livemode() ? "live mode" : "test mode")
        .append(")\n");
    for (DryRun.Entry e : entries) {
      s.append("\nworkflow ")
          .append(Terminal.shown(e.workflow()))
          .append(disabled.contains(e.workflow()) ? " (disabled, evaluated as if enabled)" : "")
          .append(": ");
      if (!e.matched()) {
        s.append("not matched: ").append(Terminal.shown(e.reason())).append('\n');
        continue;
      }
      RcCall call = e.call().orElseThrow();
      s.append("matched -> ")
          .append(Terminal.shown(e.reason()))
          .append(" (POST ")
          .append(call.method().path())
          .append("), dedupe key ")
          .append(Terminal.shown(e.dedupeKey().orElseThrow()))
          .append('\n');
      e.blockedReason()
          .ifPresent(
              r ->
                  s.append("  BLOCKED, nothing would be sent: ")
                      .append(Terminal.shown(r))
                      .append('\n'));
      if (e.needsLookup()) {
        s.append(
            "  completed from Stripe's API before sending (set STRIPE_API_KEY to see the values)\n");
      }
      Map<String, String> wire = new TreeMap<>(call.params());
      String accessId = env.getOrDefault("REFERRALCANDY_ACCESS_ID", "").strip();
      String secret = env.getOrDefault("REFERRALCANDY_SECRET_KEY", "").strip();
      if (!accessId.isEmpty() && !secret.isEmpty()) {
        wire.put("accessID", accessId);
        wire.put("timestamp", Long.toString(clock.instant().getEpochSecond()));
        wire.put("signature", RcSigner.sign(secret, wire));
      }
      int width = wire.keySet().stream().mapToInt(String::length).max().orElse(0);
      wire.forEach(
          (k, v) ->
              s.append("  ")
                  .append(k)
                  .append(" ".repeat(width - k.length()))
                  .append(" = ")
                  .append(Terminal.shown(v))
                  .append('\n'));
      if (accessId.isEmpty() || secret.isEmpty()) {
        s.append(
            "  (signature not shown: set REFERRALCANDY_ACCESS_ID and REFERRALCANDY_SECRET_KEY)\n");
      }
    }
    return s.toString();
  }
}
