package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.Secret;
import candybridge.config.StripeMode;
import candybridge.stripe.EndpointPlan;
import candybridge.stripe.StripeCallException;
import candybridge.stripe.StripeWebhookEndpoints;
import candybridge.stripe.WebhookEndpoint;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "connect-stripe",
    header = "Creates or updates the Stripe webhook endpoint for a URL.",
    mixinStandardHelpOptions = true,
    description = {
      "Finds the Stripe webhook endpoint for --url (the one marked metadata[candybridge]=1, else"
          + " the only one for that URL) or creates it, and sets its events to exactly the triggers of the"
          + " enabled workflows. Never deletes an endpoint. Stripe shows a new endpoint's signing secret"
          + " once: it is printed, or written to --secret-file (created 0600). A second run changes nothing.",
      "Needs STRIPE_API_KEY (a secret key, or a restricted key with Webhook Endpoints write access);"
          + " says which CANDYBRIDGE_STRIPE_MODE the key's mode needs.",
      "Exit codes: 0 done or up to date, 1 Stripe refused or was unreachable (nothing changed),"
          + " 2 bad usage (URL, key, file)."
    })
final class ConnectStripeCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description = "The public webhook URL, e.g. https://HOST/webhooks/stripe.")
  String url;

  @Option(names = "--dry-run", description = "Show what would be done; change nothing.")
  boolean dryRun;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "Write a new endpoint's signing secret here (a new file, mode 0600) instead of printing it.")
  Path secretFile;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Workflow file; default: the built-in workflows.")
  Path config;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    WebhookUrl webhook;
    Workflow workflow;
    Secret key;
    URI apiBase;
    try {
      webhook = WebhookUrl.parse(url);
      key = apiKey(terminal.env().getOrDefault("STRIPE_API_KEY", ""));
      apiBase = apiBase(terminal.env().getOrDefault("STRIPE_API_BASE", ""));
      workflow = config == null ? Workflow.defaults() : WorkflowFile.load(config);
      if (secretFile != null && Files.exists(secretFile)) {
        throw new IllegalArgumentException(
            "--secret-file "
                + secretFile
                + " exists; give a new file"
                + " (a secret is written once, never over another)");
      }
    } catch (IllegalArgumentException | ConfigException e) {
      return usage(e.getMessage());
    }
    List<String> events = workflow.triggers();
    if (events.isEmpty()) {
      return usage(
          "no workflow is enabled, so the endpoint would send no event; enable one in "
              + (config == null ? "the workflow file" : config));
    }
    StripeMode keyMode = StripeMode.ofKey(key.reveal());
    terminal
        .out()
        .println(
            "Stripe key: "
                + keyMode.wireName()
                + " mode; set CANDYBRIDGE_STRIPE_MODE="
                + keyMode.wireName()
                + " on the instance behind "
                + webhook
                + (keyMode == StripeMode.LIVE
                    ? " (the default)"
                    : " (ReferralCandy has no test mode)"));

    StripeWebhookEndpoints endpoints = new StripeWebhookEndpoints(key, apiBase, TIMEOUT);
    EndpointPlan plan;
    try {
      plan = EndpointPlan.of(endpoints.list(), webhook.toString(), events);
    } catch (StripeCallException e) {
      return failed(e, "list the webhook endpoints", apiBase);
    }
    switch (plan.action()) {
      case AMBIGUOUS -> {
        terminal.err().println("candybridge: " + plan.changes().get(0) + "; nothing was changed");
        return 1;
      }
      case UP_TO_DATE -> {
        WebhookEndpoint e = plan.endpoint().orElseThrow();
        terminal
            .out()
            .println(
                "endpoint "
                    + e.id()
                    + " for "
                    + webhook
                    + " is up to date (enabled, sends "
                    + String.join(", ", e.enabledEvents())
                    + "); nothing to do");
        return 0;
      }
      default -> {}
    }
    String verb = dryRun ? "would " : "";
    plan.endpoint()
        .ifPresent(e -> terminal.out().println("endpoint " + e.id() + " for " + webhook + ":"));
    plan.changes().forEach(c -> terminal.out().println("  " + verb + c));
    if (dryRun) {
      terminal.out().println("dry run: nothing was changed at Stripe");
      return 0;
    }
    return plan.action() == EndpointPlan.Action.CREATE
        ? create(endpoints, webhook, events, apiBase)
        : update(endpoints, plan, apiBase);
  }

  private int create(
      StripeWebhookEndpoints endpoints, WebhookUrl webhook, List<String> events, URI apiBase) {
    if (secretFile != null) {
      try {
        createSecretFile(secretFile);
      } catch (IOException e) {
        return usage(
            "cannot create --secret-file "
                + secretFile
                + ": "
                + e.getMessage()
                + "; nothing was changed at Stripe");
      }
    }
    WebhookEndpoint created;
    try {
      created = endpoints.create(webhook.toString(), events);
    } catch (StripeCallException e) {
      deleteQuietly(secretFile);
      return failed(e, "create the endpoint", apiBase);
    }
    terminal
        .out()
        .println(
            "created endpoint "
                + created.id()
                + " for "
                + webhook
                + " sending "
                + String.join(", ", created.enabledEvents()));
    if (created.secret().isEmpty()) {
      deleteQuietly(secretFile);
      terminal
          .out()
          .println(
              "Stripe did not return the signing secret: reveal it in the Dashboard"
                  + " (Developers > Webhooks > "
                  + created.id()
                  + ") and set STRIPE_WEBHOOK_SECRET");
      return 0;
    }
    String secret = created.secret().get();
    if (secretFile != null) {
      try {
        Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);
        terminal
            .out()
            .println(
                "signing secret written to "
                    + secretFile
                    + " (mode 0600); set"
                    + " STRIPE_WEBHOOK_SECRET from it. Stripe will not show it again.");
        return 0;
      } catch (IOException e) {
        terminal
            .err()
            .println(
                "candybridge: cannot write "
                    + secretFile
                    + " ("
                    + e.getMessage()
                    + "); the secret follows instead");
      }
    }
    terminal.out().println("signing secret (shown once, Stripe will not show it again): " + secret);
    terminal.out().println("set STRIPE_WEBHOOK_SECRET=<that value> and restart candybridge serve");
    return 0;
  }

  private int update(StripeWebhookEndpoints endpoints, EndpointPlan plan, URI apiBase) {
    WebhookEndpoint before = plan.endpoint().orElseThrow();
    WebhookEndpoint after;
    try {
      after = endpoints.update(before.id(), plan.events());
    } catch (StripeCallException e) {
      return failed(e, "update endpoint " + before.id(), apiBase);
    }
    terminal
        .out()
        .println(
            "updated endpoint "
                + after.id()
                + ": enabled, sends "
                + String.join(", ", after.enabledEvents()));
    terminal
        .out()
        .println(
            "its signing secret is unchanged (Stripe shows it only at creation:"
                + " reveal it in the Dashboard if STRIPE_WEBHOOK_SECRET does not hold it yet)"
                + (secretFile == null ? "" : "; --secret-file was not written"));
    return 0;
  }

  /** One line naming what to do; Stripe's answer is one call, so it changed all or nothing. */
  private int failed(StripeCallException e, String what, URI apiBase) {
    String advice =
        switch (e.status()) {
          case 0 ->
              "Stripe at "
                  + apiBase
                  + " is not reachable ("
                  + e.getMessage()
                  + "): check the network, a proxy or STRIPE_API_BASE";
          case 401 ->
              "Stripe refused STRIPE_API_KEY ("
                  + e.getMessage()
                  + "): use the account's secret key"
                  + " (sk_…) or a restricted key (rk_…) with Webhook Endpoints write access";
          case 403 ->
              "STRIPE_API_KEY may not "
                  + what
                  + " ("
                  + e.getMessage()
                  + "): give the restricted key"
                  + " Webhook Endpoints write access, or use the secret key";
          case 400 ->
              "Stripe refused to "
                  + what
                  + " ("
                  + e.getMessage()
                  + "): if the account has reached"
                  + " its webhook endpoint limit, delete an unused endpoint in the Dashboard (Developers > Webhooks)"
                  + " and run again";
          default -> "Stripe could not " + what + " (" + e.getMessage() + "): run again later";
        };
    terminal.err().println("candybridge: " + advice + "; nothing was changed");
    return 1;
  }

  private int usage(String message) {
    terminal.err().println("candybridge: " + message);
    return 2;
  }

  private static Secret apiKey(String raw) {
    String key = raw.strip();
    if (key.isEmpty()) {
      throw new IllegalArgumentException(
          "STRIPE_API_KEY is required: the account's secret key (sk_…) or"
              + " a restricted key (rk_…) with Webhook Endpoints write access");
    }
    if (key.startsWith("whsec_")) {
      throw new IllegalArgumentException(
          "STRIPE_API_KEY holds a webhook signing secret (whsec_…); give"
              + " the API secret key (sk_…) or a restricted key (rk_…)");
    }
    if (key.startsWith("pk_")) {
      throw new IllegalArgumentException(
          "STRIPE_API_KEY is a publishable key (pk_…), which cannot"
              + " manage webhook endpoints; give the secret key (sk_…) or a restricted key (rk_…)");
    }
    return new Secret(key);
  }

  private static URI apiBase(String raw) {
    String base = raw.strip().isEmpty() ? "https://api.stripe.com" : raw.strip();
    try {
      URI uri = new URI(base);
      if (uri.getHost() == null || !(base.startsWith("https://") || base.startsWith("http://"))) {
        throw new IllegalArgumentException("STRIPE_API_BASE '" + base + "' is not an http(s) URL");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("STRIPE_API_BASE '" + base + "' is not a URL", e);
    }
  }

  /** A new, empty file only its owner may read (0600 where the file system has POSIX modes). */
  private static void createSecretFile(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("it exists", e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // An empty file left behind holds no secret.
    }
  }
}
