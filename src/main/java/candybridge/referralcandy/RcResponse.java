package candybridge.referralcandy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;

/**
 * What ReferralCandy answered, whatever the status: a value, never an exception.
 *
 * @param retryAfter the delay asked for by a {@code Retry-After} header, never negative
 */
public record RcResponse(int status, String body, Optional<Duration> retryAfter) {
  private static final int EXCERPT_CHARS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  public RcResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    requireNonNull(body, "body == null");
    requireNonNull(retryAfter, "retryAfter == null");
    if (retryAfter.filter(Duration::isNegative).isPresent()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter.get());
    }
  }

  public static RcResponse of(int status, String body) {
    return new RcResponse(status, body, Optional.empty());
  }

  /**
   * True only for a 2xx answer whose body is a JSON object with {@code "message": "Success"}
   * (exactly). Extra fields are ignored; a body that is not JSON is not a success.
   */
  public boolean isSuccess() {
    return status / 100 == 2 && "Success".equals(message());
  }

  /** The body cut to at most 500 characters (never splitting a surrogate pair), for history. */
  public String excerpt() {
    if (body.length() <= EXCERPT_CHARS) {
      return body;
    }
    int end =
        Character.isHighSurrogate(body.charAt(EXCERPT_CHARS - 1))
            ? EXCERPT_CHARS - 1
            : EXCERPT_CHARS;
    return body.substring(0, end);
  }

  private String message() {
    try {
      JsonNode message = JSON.readTree(body).path("message");
      return message.isTextual() ? message.textValue() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Leaves the body out: RC echoes customer e-mail addresses, which must not reach logs. */
  @Override
  public String toString() {
    return "RcResponse[status="
        + status
        + ", body=<"
        + body.length()
        + " chars>, retryAfter="
        + retryAfter.map(Duration::toString).orElse("none")
        + "]";
  }
}
