package candybridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds {@link Config} from the environment variables of the README's configuration table
 * (docs/design.md §4). Every variable is read and checked before anything fails, so one {@link
 * ConfigException} names every bad setting.
 */
public final class ConfigLoader {
  /**
   * Default retry delays: exponential from 30 s, capped at a day, 12 retries spanning about 4.3
   * days, longer than the 3 days the contract asks for (and than Stripe's own redelivery window).
   */
  public static final String DEFAULT_RETRY_SCHEDULE = "30s,2m,10m,30m,1h,2h,4h,8h,16h,24h,24h,24h";

  static final int MIN_ADMIN_TOKEN_LENGTH = 24;

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /** Reads the settings; throws {@link ConfigException} listing every missing or malformed one. */
  public static Config fromEnv(Map<String, String> env) {
    return new ConfigLoader(env).load();
  }

  /**
   * Only the database URL ({@code CANDYBRIDGE_DATABASE_URL}), for the operator commands that work
   * on the store alone and need no Stripe or ReferralCandy secret.
   */
  public static String databaseUrl(Map<String, String> env) {
    ConfigLoader loader = new ConfigLoader(env);
    String url =
        loader.optional(
            "CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:candybridge.db", ConfigLoader::databaseUrl);
    if (!loader.problems.isEmpty()) {
      throw new ConfigException(loader.problems);
    }
    return url;
  }

  private Config load() {
    String bindAddress = optional("CANDYBRIDGE_BIND_ADDRESS", "0.0.0.0", BindAddress::parse);
    Integer port = optional("CANDYBRIDGE_PORT", "8080", ConfigLoader::port);
    String databaseUrl =
        optional(
            "CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:candybridge.db", ConfigLoader::databaseUrl);
    Duration retention = optional("CANDYBRIDGE_RETENTION", "30d", ConfigLoader::positiveDuration);
    List<Secret> webhookSecrets = required("STRIPE_WEBHOOK_SECRET", ConfigLoader::secretList);
    Optional<Secret> stripeKey = optionalSecret("STRIPE_API_KEY");
    URI stripeBase = optional("STRIPE_API_BASE", "https://api.stripe.com", ConfigLoader::httpUrl);
    StripeMode stripeMode = optional("CANDYBRIDGE_STRIPE_MODE", "live", StripeMode::parse);
    // Applied by Main before the first log line (LogFormat); checked here.
    optional("CANDYBRIDGE_LOG_FORMAT", "text", LogFormat::parse);
    String accessId = required("REFERRALCANDY_ACCESS_ID", String::trim);
    Secret secretKey = required("REFERRALCANDY_SECRET_KEY", v -> new Secret(v.trim()));
    URI rcBase =
        optional(
            "REFERRALCANDY_API_BASE", "https://my.referralcandy.com/api/v1", ConfigLoader::httpUrl);
    Optional<Secret> adminToken = adminToken();
    List<Duration> schedule =
        optional("CANDYBRIDGE_RETRY_SCHEDULE", DEFAULT_RETRY_SCHEDULE, ConfigLoader::schedule);
    Integer poolSize = optional("CANDYBRIDGE_DB_POOL_SIZE", "10", v -> intIn(v, 1, 200));
    Duration databaseWait = optional("CANDYBRIDGE_DATABASE_WAIT", "60s", DurationText::parse);
    Integer concurrency = optional("CANDYBRIDGE_DELIVERY_CONCURRENCY", "16", v -> intIn(v, 1, 256));
    Duration timeout =
        optional("CANDYBRIDGE_DELIVERY_TIMEOUT", "10s", ConfigLoader::positiveDuration);
    Duration lease = optional("CANDYBRIDGE_DELIVERY_LEASE", "60s", ConfigLoader::positiveDuration);
    if (timeout != null && lease != null && lease.compareTo(timeout.multipliedBy(4)) < 0) {
      // A call may take two Stripe lookups and the ReferralCandy call, each up to the timeout:
      // a lease shorter than that could expire under a live call.
      problems.add(
          "CANDYBRIDGE_DELIVERY_LEASE ("
              + DurationText.format(lease)
              + ") must be at least 4 x CANDYBRIDGE_DELIVERY_TIMEOUT ("
              + DurationText.format(timeout)
              + ")");
    }
    Optional<ReconcileSettings> reconcile = Optional.empty();
    try {
      reconcile = ReconcileSettings.fromEnv(env);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    Optional<URI> alertUrl =
        Optional.ofNullable(
            optional("CANDYBRIDGE_ALERT_WEBHOOK_URL", null, ConfigLoader::secretHttpUrl));
    Optional<Config.AlertEmail> alertEmail = alertEmail();
    Optional<URI> adminPage =
        Optional.ofNullable(optional("CANDYBRIDGE_PUBLIC_URL", null, ConfigLoader::adminPage));
    OnUncertain onUncertain =
        optional(
            "CANDYBRIDGE_ON_UNCERTAIN",
            "hold",
            v ->
                OnUncertain.parse(v)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "must be hold or retry, not '" + v.trim() + "'")));

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Config(
        new Config.Http(bindAddress, port),
        new Config.Store(databaseUrl, retention, poolSize, databaseWait),
        new Config.Stripe(webhookSecrets, stripeKey, stripeBase, reconcile, stripeMode),
        new Config.ReferralCandy(accessId, secretKey, rcBase, timeout),
        new Config.Delivery(
            schedule, concurrency, 64, lease, Duration.ofSeconds(1), alertUrl, onUncertain),
        new Config.Admin(adminToken),
        new Config.Alerting(alertEmail, adminPage));
  }

  /**
   * E-mail alerts need both the server and a recipient; one without the other is a mistake, said as
   * one. The sender defaults to the first recipient. Addresses are never repeated in messages.
   */
  private Optional<Config.AlertEmail> alertEmail() {
    Config.Smtp smtp = optional("CANDYBRIDGE_SMTP_URL", null, ConfigLoader::smtpUrl);
    List<String> to = optional("CANDYBRIDGE_ALERT_EMAIL_TO", null, ConfigLoader::addresses);
    String from = optional("CANDYBRIDGE_ALERT_EMAIL_FROM", null, v -> addresses(v).get(0));
    boolean server = isSet("CANDYBRIDGE_SMTP_URL");
    boolean recipients = isSet("CANDYBRIDGE_ALERT_EMAIL_TO");
    if (recipients && !server) {
      problems.add(
          "CANDYBRIDGE_ALERT_EMAIL_TO is set but CANDYBRIDGE_SMTP_URL is not: e-mail alerts need the"
              + " mail server (smtp://USER:PASSWORD@HOST:587 or smtps://USER:PASSWORD@HOST:465)");
    } else if (server && !recipients) {
      problems.add(
          "CANDYBRIDGE_SMTP_URL is set but CANDYBRIDGE_ALERT_EMAIL_TO is not: name who gets the"
              + " e-mail alerts (comma-separated addresses)");
    } else if (isSet("CANDYBRIDGE_ALERT_EMAIL_FROM") && !server) {
      problems.add(
          "CANDYBRIDGE_ALERT_EMAIL_FROM is set but e-mail alerts are off: set CANDYBRIDGE_SMTP_URL and"
              + " CANDYBRIDGE_ALERT_EMAIL_TO too, or remove it");
    }
    if (smtp == null || to == null || (isSet("CANDYBRIDGE_ALERT_EMAIL_FROM") && from == null)) {
      return Optional.empty();
    }
    return Optional.of(new Config.AlertEmail(smtp, from != null ? from : to.get(0), to));
  }

  private boolean isSet(String name) {
    String raw = env.get(name);
    return raw != null && !raw.isBlank();
  }

  private <T> T required(String name, Function<String, T> parse) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      problems.add(name + " is required but not set");
      return null;
    }
    return parse(name, raw, parse);
  }

  private <T> T optional(String name, String defaultValue, Function<String, T> parse) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return defaultValue == null ? null : parse.apply(defaultValue);
    }
    return parse(name, raw, parse);
  }

  private Optional<Secret> optionalSecret(String name) {
    String raw = env.get(name);
    return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(new Secret(raw.trim()));
  }

  /**
   * The admin token, at least {@value #MIN_ADMIN_TOKEN_LENGTH} characters: the admin page answers
   * to it with HTTP Basic as well, and a short one falls to guessing. The error never shows it.
   */
  private Optional<Secret> adminToken() {
    Optional<Secret> token = optionalSecret("CANDYBRIDGE_ADMIN_TOKEN");
    token.ifPresent(
        t -> {
          if (t.reveal().length() < MIN_ADMIN_TOKEN_LENGTH) {
            problems.add(
                "CANDYBRIDGE_ADMIN_TOKEN is too short: it needs at least "
                    + MIN_ADMIN_TOKEN_LENGTH
                    + " characters (generate one with: openssl rand -hex 32)");
          }
        });
    return token;
  }

  private <T> T parse(String name, String raw, Function<String, T> parse) {
    try {
      return parse.apply(raw);
    } catch (IllegalArgumentException e) {
      // The message never repeats a secret's value: secret parsers do not put it in theirs.
      problems.add(name + ": " + e.getMessage());
      return null;
    }
  }

  private static int port(String raw) {
    try {
      int port = Integer.parseInt(raw.trim());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("'" + raw.trim() + "' is not a port (0-65535)");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + raw.trim() + "' is not a port (0-65535)", e);
    }
  }

  private static String databaseUrl(String raw) {
    String url = raw.trim();
    if (url.startsWith("jdbc:sqlite:") && url.length() > "jdbc:sqlite:".length()) {
      return url;
    }
    if (url.startsWith("jdbc:postgresql://")) {
      return url;
    }
    throw new IllegalArgumentException(
        "must be a JDBC URL: jdbc:sqlite:FILE (embedded) or jdbc:postgresql://HOST/DB (scale-out)");
  }

  private static int intIn(String raw, int min, int max) {
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < min || n > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + raw.trim() + "' is not a whole number", e);
    }
  }

  private static Duration positiveDuration(String raw) {
    Duration d = DurationText.parse(raw);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  private static List<Secret> secretList(String raw) {
    List<Secret> secrets =
        Arrays.stream(raw.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Secret::new)
            .toList();
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("holds no secret (comma-separated whsec_… values)");
    }
    return secrets;
  }

  private static URI httpUrl(String raw) {
    try {
      URI uri = new URI(raw.trim());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("'" + raw.trim() + "' is not an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + raw.trim() + "' is not a URL", e);
    }
  }

  /**
   * An http(s) URL that may hold a secret (a webhook's path often does): a malformed one is refused
   * without repeating it.
   */
  private static URI secretHttpUrl(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException unused) {
      // Not kept as the cause: URISyntaxException's message repeats the input, which may be secret.
      throw new IllegalArgumentException(
          "is not a URL (the value is not shown: it may hold a secret)");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "is not an http(s) URL with a host (the value is not shown: it may hold a secret)");
    }
    return uri;
  }

  /**
   * {@code smtp://[USER[:PASSWORD]@]HOST[:PORT]} (port 587, STARTTLS when offered) or {@code
   * smtps://…} (port 465, TLS from the first byte); user and password percent-encoded. Errors never
   * repeat the value: it holds the password.
   */
  private static Config.Smtp smtpUrl(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException unused) {
      // Not kept as the cause: URISyntaxException's message repeats the input, password included.
      throw new IllegalArgumentException(
          "is not a URL (the value is not shown: it may hold a password);"
              + " give smtp://USER:PASSWORD@HOST:587 or smtps://USER:PASSWORD@HOST:465, with special characters"
              + " in the password percent-encoded");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("smtp") || scheme.equals("smtps")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "is not an smtp:// or smtps:// URL with a host (the value is not shown:"
              + " it may hold a password); give smtp://USER:PASSWORD@HOST:587 or smtps://USER:PASSWORD@HOST:465");
    }
    boolean implicitTls = scheme.equals("smtps");
    int port = uri.getPort() > 0 ? uri.getPort() : implicitTls ? 465 : 587;
    Optional<String> user = Optional.empty();
    Optional<Secret> password = Optional.empty();
    String userInfo = uri.getUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = Optional.of(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password =
          colon < 0 ? Optional.empty() : Optional.of(new Secret(userInfo.substring(colon + 1)));
    }
    return new Config.Smtp(implicitTls, uri.getHost(), port, user, password);
  }

  /** Comma-separated e-mail addresses; a bad one is named by its position, not its value. */
  private static List<String> addresses(String raw) {
    List<String> entries =
        Arrays.stream(raw.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(
          "holds no address (comma-separated name@example.com values)");
    }
    for (int i = 0; i < entries.size(); i++) {
      if (!entries.get(i).matches("[^\\s@<>(),;:\"]+@[^\\s@<>(),;:\"]+\\.[^\\s@<>(),;:\"]+")) {
        throw new IllegalArgumentException(
            "address "
                + (i + 1)
                + " of "
                + entries.size()
                + " is not an e-mail address like name@example.com (the value is not shown)");
      }
    }
    return entries;
  }

  /**
   * The admin page's public address, for the links in alerts: {@code CANDYBRIDGE_PUBLIC_URL} is the
   * webhook URL ({@code https://HOST/webhooks/stripe}); the page is {@code /admin} beside that
   * route.
   */
  private static URI adminPage(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException unused) {
      // Not kept as the cause: URISyntaxException's message repeats the input, which may be secret.
      throw new IllegalArgumentException("is not a URL; give https://HOST/webhooks/stripe");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "is not an http(s) URL with a host (and no user name);"
              + " give https://HOST/webhooks/stripe");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.endsWith("/webhooks/stripe")) {
      path = path.substring(0, path.length() - "/webhooks/stripe".length());
    } else {
      path = "";
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + "/admin");
  }

  /** {@code none} means no retries: the first retryable failure fails the delivery. */
  private static List<Duration> schedule(String raw) {
    if (raw.trim().equalsIgnoreCase("none")) {
      return List.of();
    }
    return DurationText.parseList(raw);
  }
}
