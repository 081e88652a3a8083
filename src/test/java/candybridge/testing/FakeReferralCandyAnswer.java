package candybridge.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the fake ReferralCandy server sends back for one request. */
record FakeReferralCandyAnswer(int status, String body, Optional<Duration> retryAfter) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON object of string fields, in the order given: name, value, name, value… */
  static FakeReferralCandyAnswer json(int status, String... namesAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    try {
      return new FakeReferralCandyAnswer(status, JSON.writeValueAsString(fields), Optional.empty());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }

  static FakeReferralCandyAnswer message(int status, String message) {
    return json(status, "message", message);
  }
}
