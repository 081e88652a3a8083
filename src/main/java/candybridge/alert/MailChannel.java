package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.text.UntrustedText;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends each alert as a plain-text e-mail over SMTP (Jakarta Mail, Eclipse Angus): the one-line
 * summary as the subject; the summary, the sentence, the admin link and the JSON as the body.
 * {@code smtp://} upgrades to TLS with STARTTLS when the server offers it; {@code smtps://} is TLS
 * from the first byte. Neither the password nor an address appears in a log line.
 */
final class MailChannel implements AlertChannel {
  private final SmtpSettings settings;
  private final Session session;
  private final Clock clock;

  MailChannel(SmtpSettings settings, Duration timeout, Clock clock) {
    this.settings = requireNonNull(settings, "settings == null");
    this.clock = requireNonNull(clock, "clock == null");
    String protocol = settings.implicitTls() ? "smtps" : "smtp";
    String millis = Long.toString(timeout.toMillis());
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", protocol);
    p.setProperty("mail." + protocol + ".host", settings.host());
    p.setProperty("mail." + protocol + ".port", Integer.toString(settings.port()));
    p.setProperty("mail." + protocol + ".connectiontimeout", millis);
    p.setProperty("mail." + protocol + ".timeout", millis);
    p.setProperty("mail." + protocol + ".writetimeout", millis);
    p.setProperty("mail." + protocol + ".auth", Boolean.toString(settings.user().isPresent()));
    if (!settings.implicitTls()) {
      p.setProperty("mail.smtp.starttls.enable", "true");
    }
    p.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
    Authenticator auth =
        settings.user().isEmpty()
            ? null
            : new Authenticator() {
              @Override
              protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(
                    settings.user().get(), settings.password().orElse(""));
              }
            };
    this.session = Session.getInstance(p, auth);
  }

  @Override
  public String via() {
    return "by e-mail";
  }

  @Override
  public Optional<String> send(AlertSender.Outgoing alert) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(settings.from(), true));
      for (String to : settings.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      }
      message.setSubject(alert.subject(), "UTF-8");
      message.setText(alert.text(), "UTF-8");
      message.setSentDate(Date.from(clock.instant()));
      message.setHeader("Auto-Submitted", "auto-generated");
      Transport.send(message);
      return Optional.empty();
    } catch (AddressException e) {
      return Optional.of("an address is not valid");
    } catch (SendFailedException e) {
      return Optional.of("the server refused the message or a recipient (" + reason(e) + ")");
    } catch (MessagingException e) {
      return Optional.of(reason(e));
    }
  }

  /**
   * The exception's class, and the cause's, with the server's words cut short: those may repeat an
   * address (a refused recipient), which is masked.
   */
  private static String reason(MessagingException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String text = e.getMessage() == null ? "" : e.getMessage().strip();
    if (text.length() > 120) text = text.substring(0, 120) + "…";
    return e.getClass().getSimpleName()
        + (cause != e ? "/" + cause.getClass().getSimpleName() : "")
        + (text.isEmpty() ? "" : ": " + UntrustedText.masked(text));
  }
}
