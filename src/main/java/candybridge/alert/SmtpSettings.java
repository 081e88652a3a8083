package candybridge.alert;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Where e-mail alerts go: the mail server of {@code CANDYBRIDGE_SMTP_URL} and the addresses of
 * {@code CANDYBRIDGE_ALERT_EMAIL_FROM} and {@code CANDYBRIDGE_ALERT_EMAIL_TO}.
 *
 * @param implicitTls {@code smtps://}: TLS from the first byte (port 465); else {@code smtp://},
 *     upgraded with STARTTLS when the server offers it
 * @param user SMTP AUTH user name, when the URL had one (with {@code password})
 */
public record SmtpSettings(
    boolean implicitTls,
    String host,
    int port,
    Optional<String> user,
    Optional<String> password,
    String from,
    List<String> to) {
  public SmtpSettings {
    requireNonNull(host, "host == null");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    requireNonNull(user, "user == null");
    requireNonNull(password, "password == null");
    requireNonNull(from, "from == null");
    to = List.copyOf(to);
    if (to.isEmpty()) throw new IllegalArgumentException("no recipient");
  }

  /** Scheme, host and port only: the password and the addresses stay out of logs. */
  @Override
  public String toString() {
    return (implicitTls ? "smtps://" : "smtp://")
        + host
        + ":"
        + port
        + " ("
        + to.size()
        + " recipient(s))";
  }
}
