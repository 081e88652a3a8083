package candybridge.alert;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Where alerts are sent besides the log.
 *
 * @param webhook {@code CANDYBRIDGE_ALERT_WEBHOOK_URL}
 * @param email the mail server and addresses of the e-mail alerts
 */
public record AlertDestinations(Optional<URI> webhook, Optional<SmtpSettings> email) {
  public AlertDestinations {
    requireNonNull(webhook, "webhook == null");
    requireNonNull(email, "email == null");
  }
}
