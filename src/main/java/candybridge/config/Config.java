package candybridge.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The effective configuration, a tree of records valid by construction. Secrets are {@link
 * Secret}s, so {@code toString()} is safe to log; {@link #describe()} is the start-up log line.
 */
public record Config(
    Http http,
    Store store,
    Stripe stripe,
    ReferralCandy referralCandy,
    Delivery delivery,
    Admin admin,
    Alerting alerting) {

  public Config {
    requireNonNull(http, "http == null");
    requireNonNull(store, "store == null");
    requireNonNull(stripe, "stripe == null");
    requireNonNull(referralCandy, "referralCandy == null");
    requireNonNull(delivery, "delivery == null");
    requireNonNull(admin, "admin == null");
    requireNonNull(alerting, "alerting == null");
  }

  /**
   * {@code CANDYBRIDGE_BIND_ADDRESS} (an IP literal or {@code localhost}; {@code 0.0.0.0} means
   * every interface) and {@code CANDYBRIDGE_PORT} (0 means any free port).
   */
  public record Http(String bindAddress, int port) {
    public Http {
      requireNonNull(bindAddress, "bindAddress == null");
      if (port < 0 || port > 65535)
        throw new IllegalArgumentException("port out of range: " + port);
    }

    /**
     * True when only this machine can connect: {@code localhost}, {@code 127.x.x.x} or {@code ::1}.
     */
    public boolean loopbackOnly() {
      return BindAddress.isLoopback(bindAddress);
    }
  }

  /**
   * {@code CANDYBRIDGE_DATABASE_URL}, {@code CANDYBRIDGE_RETENTION}, {@code
   * CANDYBRIDGE_DB_POOL_SIZE} (connections per instance on PostgreSQL), and {@code
   * CANDYBRIDGE_DATABASE_WAIT} (how long start-up waits for PostgreSQL to come up; zero: not at
   * all).
   */
  public record Store(String databaseUrl, Duration retention, int poolSize, Duration databaseWait) {
    public Store {
      requireNonNull(databaseUrl, "databaseUrl == null");
      requireNonNull(retention, "retention == null");
      if (poolSize < 1) throw new IllegalArgumentException("poolSize < 1");
      requireNonNull(databaseWait, "databaseWait == null");
      if (databaseWait.isNegative()) throw new IllegalArgumentException("databaseWait < 0");
    }

    /** The database URL as it may be logged: no password, no query. */
    public String shownUrl() {
      return redactUrl(databaseUrl);
    }
  }

  /**
   * Webhook signing secrets (several during rotation), the optional API access, the optional
   * periodic reconciliation through the Events API, and {@code CANDYBRIDGE_STRIPE_MODE} (which
   * events may reach ReferralCandy: live, test or any).
   */
  public record Stripe(
      List<Secret> webhookSecrets,
      Optional<Secret> apiKey,
      URI apiBase,
      Optional<ReconcileSettings> reconcile,
      candybridge.config.StripeMode mode) {
    public Stripe {
      requireNonNull(mode, "mode == null");
      requireNonNull(reconcile, "reconcile == null");
      webhookSecrets = List.copyOf(webhookSecrets);
      if (webhookSecrets.isEmpty()) throw new IllegalArgumentException("no webhook secret");
      requireNonNull(apiKey, "apiKey == null");
      requireNonNull(apiBase, "apiBase == null");
    }
  }

  public record ReferralCandy(String accessId, Secret secretKey, URI apiBase, Duration timeout) {
    public ReferralCandy {
      requireNonNull(accessId, "accessId == null");
      requireNonNull(secretKey, "secretKey == null");
      requireNonNull(apiBase, "apiBase == null");
      requireNonNull(timeout, "timeout == null");
    }
  }

  /**
   * How the worker delivers: the retry schedule is data (one delay per retry), plus the internal
   * tuning that is not part of the external contract.
   */
  public record Delivery(
      List<Duration> retrySchedule,
      int concurrency,
      int batchSize,
      Duration lease,
      Duration pollInterval,
      Optional<URI> alertWebhookUrl,
      candybridge.config.OnUncertain onUncertain) {
    public Delivery {
      retrySchedule = List.copyOf(retrySchedule);
      if (concurrency < 1) throw new IllegalArgumentException("concurrency < 1");
      if (batchSize < 1) throw new IllegalArgumentException("batchSize < 1");
      requireNonNull(lease, "lease == null");
      requireNonNull(pollInterval, "pollInterval == null");
      requireNonNull(alertWebhookUrl, "alertWebhookUrl == null");
      requireNonNull(onUncertain, "onUncertain == null");
    }
  }

  /** {@code CANDYBRIDGE_ADMIN_TOKEN}; empty disables the admin API and page. */
  public record Admin(Optional<Secret> token) {
    public Admin {
      requireNonNull(token, "token == null");
    }
  }

  /**
   * E-mail alerts ({@code CANDYBRIDGE_SMTP_URL}, {@code CANDYBRIDGE_ALERT_EMAIL_TO} and {@code
   * _FROM}) and the admin page's public address that alerts link to (from {@code
   * CANDYBRIDGE_PUBLIC_URL}). The webhook is {@link Delivery#alertWebhookUrl()}.
   */
  public record Alerting(Optional<AlertEmail> email, Optional<URI> adminPage) {
    public Alerting {
      requireNonNull(email, "email == null");
      requireNonNull(adminPage, "adminPage == null");
    }

    public static Alerting none() {
      return new Alerting(Optional.empty(), Optional.empty());
    }
  }

  /** Where e-mail alerts go. {@code toString()} shows the server only: no password, no address. */
  public record AlertEmail(Smtp smtp, String from, List<String> to) {
    public AlertEmail {
      requireNonNull(smtp, "smtp == null");
      requireNonNull(from, "from == null");
      to = List.copyOf(to);
      if (to.isEmpty()) throw new IllegalArgumentException("no recipient");
    }

    @Override
    public String toString() {
      return smtp + " to " + to.size() + " address(es)";
    }
  }

  /**
   * {@code CANDYBRIDGE_SMTP_URL}: {@code smtp://} (STARTTLS when offered) or {@code smtps://}
   * (implicit TLS), host, port, optional AUTH user and password. {@code toString()} is scheme, host
   * and port.
   */
  public record Smtp(
      boolean implicitTls,
      String host,
      int port,
      Optional<String> user,
      Optional<Secret> password) {
    public Smtp {
      requireNonNull(host, "host == null");
      if (port < 1 || port > 65535)
        throw new IllegalArgumentException("port out of range: " + port);
      requireNonNull(user, "user == null");
      requireNonNull(password, "password == null");
    }

    @Override
    public String toString() {
      return (implicitTls ? "smtps://" : "smtp://") + host + ":" + port;
    }
  }

  /**
   * One line for the start-up log: every effective value, secrets and database credentials hidden.
   */
  public String describe() {
    return "bind="
        + http.bindAddress()
        + " port="
        + http.port()
        + " database="
        + redactUrl(store.databaseUrl())
        + " retention="
        + DurationText.format(store.retention())
        + (store.databaseUrl().startsWith("jdbc:postgresql:")
            ? " pool="
                + store.poolSize()
                + " databaseWait="
                + DurationText.format(store.databaseWait())
            : "")
        + " delivery.concurrency="
        + delivery.concurrency()
        + " delivery.timeout="
        + DurationText.format(referralCandy.timeout())
        + " delivery.lease="
        + DurationText.format(delivery.lease())
        + " onUncertain="
        + delivery.onUncertain().wireName()
        + " stripe.mode="
        + stripe.mode().wireName()
        + " stripe.webhookSecrets="
        + stripe.webhookSecrets().size()
        + " stripe.apiKey="
        + (stripe.apiKey().isPresent() ? "set" : "unset")
        + " stripe.apiBase="
        + stripe.apiBase()
        + " reconcile="
        + stripe
            .reconcile()
            .map(
                r ->
                    "every "
                        + DurationText.format(r.every())
                        + " over "
                        + DurationText.format(r.window()))
            .orElse("off")
        + " referralcandy.apiBase="
        + referralCandy.apiBase()
        + " referralcandy.accessId="
        + referralCandy.accessId()
        + " retrySchedule="
        + delivery.retrySchedule().stream()
            .map(DurationText::format)
            .collect(Collectors.joining(","))
        + " admin="
        + (admin.token().isPresent() ? "enabled" : "disabled")
        + " alerts="
        + (delivery.alertWebhookUrl().isPresent() ? "enabled" : "disabled")
        + " alertEmail="
        + alerting.email().map(e -> e.smtp().toString()).orElse("off")
        + " alertLinks="
        + alerting.adminPage().map(URI::toString).orElse("off");
  }

  /** Drops anything after '?' and any user-info, where JDBC URLs carry passwords. */
  static String redactUrl(String url) {
    String noQuery = url.contains("?") ? url.substring(0, url.indexOf('?')) + "?…" : url;
    return noQuery.replaceAll("//[^/@]*@", "//****@");
  }
}
