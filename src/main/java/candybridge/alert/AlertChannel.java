package candybridge.alert;

import java.util.Optional;

/**
 * Where an alert goes besides the log: the alert webhook ({@link WebhookChannel}) or e-mail ({@link
 * MailChannel}). Called on the channel's own {@link AlertSender} thread only.
 */
interface AlertChannel {
  /**
   * Ends "alert X not delivered ..." in log lines: {@code "to the alert webhook"}, {@code "by
   * e-mail"}; never a URL or an address.
   */
  String via();

  /**
   * Sends one alert: empty when the other side took it, else why not in a few words that hold no
   * URL, address or secret ({@code HTTP 404}, {@code SMTP 535}, {@code ConnectException}).
   */
  Optional<String> send(AlertSender.Outgoing alert) throws InterruptedException;
}
