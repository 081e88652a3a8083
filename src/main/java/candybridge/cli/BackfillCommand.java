package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.Secret;
import candybridge.config.StripeMode;
import candybridge.ingest.Backfill;
import candybridge.ingest.StripeIngest;
import candybridge.store.JdbcStore;
import candybridge.stripe.StripeEvents;
import candybridge.stripe.StripeJavaEvents;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowFile;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "backfill",
    header = "Takes in events the webhook missed, from Stripe's API.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads events from Stripe's Events API and takes in those the webhook missed, through the"
          + " same idempotent path: safe to run twice, or while serve runs on the same database.",
      "Stripe keeps events for 30 days. New purchases are sent by serve's delivery worker.",
      "Needs STRIPE_API_KEY (and STRIPE_API_BASE, CANDYBRIDGE_DATABASE_URL as for serve).",
      "DATE: 2026-11-01 (midnight UTC), 2026-11-01T12:00:00Z, or an age such as 48h or 7d.",
      "Exit codes: 0 done, 1 Stripe or the database failed (run again to complete), 2 bad usage."
    })
final class BackfillCommand implements Callable<Integer> {
  static final Duration STRIPE_TIMEOUT = Duration.ofSeconds(30);
  private static final int BAR_WIDTH = 20;

  @Option(
      names = "--since",
      required = true,
      paramLabel = "DATE",
      description = "Oldest event to read (inclusive).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "DATE",
      description = "Read events before this (default: now).")
  String until;

  @Option(
      names = "--types",
      split = ",",
      paramLabel = "TYPE",
      description =
          "Event types, comma-separated, at most 20 (default: every type the workflows handle).")
  List<String> types = List.of();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Workflow file, the same as serve's; default: the built-in workflows.")
  Path config;

  @Override
  public Integer call() {
    // One line per event would tear the progress bar; this command prints the counts itself.
    quiet(candybridge.ingest.StripeIngest.class);
    quiet(candybridge.ingest.Backfill.class);
    return run(System.getenv(), Clock.systemUTC(), System.out, System.err);
  }

  private static void quiet(Class<?> logger) {
    if (org.slf4j.LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  int run(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    Instant now = clock.instant();
    Instant from;
    Instant to;
    Workflow workflow;
    Secret key;
    URI apiBase;
    try {
      from = when("--since", since, now);
      to = until == null ? now : when("--until", until, now);
      Backfill.checkWindow(from, to, now);
      Backfill.checkTypes(types);
      key = apiKey(env);
      apiBase = apiBase(env);
      workflow =
          (config == null ? Workflow.defaults() : WorkflowFile.load(config))
              .inMode(StripeMode.fromEnv(env));
    } catch (IllegalArgumentException | ConfigException e) {
      err.println("candybridge: " + e.getMessage());
      return 2;
    }
    String databaseUrl = env.getOrDefault("CANDYBRIDGE_DATABASE_URL", "").strip();
    if (databaseUrl.isEmpty()) {
      databaseUrl = "jdbc:sqlite:candybridge.db";
    }
    JdbcStore store;
    try {
      store = JdbcStore.open(databaseUrl, now);
    } catch (IllegalArgumentException e) {
      err.println("candybridge: CANDYBRIDGE_DATABASE_URL: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("candybridge: cannot open the database: " + e.getMessage());
      return 1;
    }
    try (store) {
      StripeEvents events = new StripeJavaEvents(key, apiBase, STRIPE_TIMEOUT);
      // As App builds it; no worker here: serve's worker finds the new deliveries in the database.
      StripeIngest ingest = new StripeIngest(workflow, true, store, clock, () -> {});
      Backfill backfill = new Backfill(events, ingest, workflow, clock);
      List<String> listed = types.isEmpty() ? backfill.defaultTypes() : types;
      err.println("backfill " + from + " .. " + to + " (" + String.join(", ", listed) + ")");
      Backfill.Result result = backfill.run(from, to, types, bar(err));
      err.println();
      return report(result, out, err);
    }
  }

  private static int report(Backfill.Result result, PrintStream out, PrintStream err) {
    out.println(
        (result.complete() ? "backfill done: " : "backfill incomplete: ")
            + "pages "
            + result.pages()
            + "  "
            + result.counts());
    if (result.stored() > 0) {
      out.println("new purchases are sent by serve's delivery worker (now, if serve is running)");
    }
    if (result.complete()) {
      return 0;
    }
    Backfill.Failure failure = result.failure().orElseThrow();
    boolean nothingTakenIn = result.stored() + result.duplicate() + result.ignored() == 0;
    err.println(
        "candybridge: backfill stopped at page "
            + failure.page()
            + ": "
            + Terminal.shown(failure.reason()));
    err.println(
        "candybridge: run the same command again to complete it"
            + (nothingTakenIn
                ? " (nothing was taken in: events are taken in oldest first once every page is read)"
                : " (events already taken in count as duplicates)"));
    return 1;
  }

  /**
   * {@code \r[#####...............] page 3 new 120 duplicate 40 ignored 2} on each update: the
   * first half of the bar fills as pages are read, the second as their events are taken in.
   */
  static Backfill.Progress bar(PrintStream err) {
    return (soFar, fraction) -> {
      int filled = (int) Math.round(fraction * BAR_WIDTH);
      err.print(
          "\r["
              + "#".repeat(filled)
              + ".".repeat(BAR_WIDTH - filled)
              + "] page "
              + soFar.pages()
              + "  "
              + soFar.counts());
      err.flush();
    };
  }

  /** See {@link When}. */
  static Instant when(String option, String text, Instant now) {
    return When.parse(option, text, now);
  }

  private static Secret apiKey(Map<String, String> env) {
    String key = env.getOrDefault("STRIPE_API_KEY", "").strip();
    if (key.isEmpty()) {
      throw new IllegalArgumentException(
          "STRIPE_API_KEY is required: backfill reads Stripe's Events API (a restricted key with read access to Events is enough)");
    }
    return new Secret(key);
  }

  private static URI apiBase(Map<String, String> env) {
    String raw = env.getOrDefault("STRIPE_API_BASE", "").strip();
    if (raw.isEmpty()) {
      return URI.create("https://api.stripe.com");
    }
    try {
      URI uri = new URI(raw);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("STRIPE_API_BASE: '" + raw + "' is not an http(s) URL");
  }
}
