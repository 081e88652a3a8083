package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.testing.SyntheticEvents;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Distinct, correctly signed ~4 KB {@code checkout.session.completed} webhooks, made on the fly
 * from one fixture: event number {@code n} has event id {@code evt_<run>_<n>} and session id {@code
 * cs_<run>_<n>}, so the fake ReferralCandy can tell which webhook a purchase came from. One
 * instance per thread (it holds a {@link Mac}).
 */
final class CheckoutEvents {
  private static final String MARK = "BENCHMARK0";

  private final String[] parts;
  private final String run;
  private final String host;
  private final Mac mac;

  CheckoutEvents(String run, String secret, int port) {
    this.run = run;
    this.host = "127.0.0.1:" + port;
    String template =
        SyntheticEvents.checkoutCompleted(
            "evt_" + MARK, "cs_" + MARK, System.currentTimeMillis() / 1000);
    this.parts = template.split(MARK, -1);
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event number of a session id made here, or -1. */
  static int number(String sessionId) {
    int at = sessionId == null ? -1 : sessionId.lastIndexOf('_');
    if (at < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(sessionId.substring(at + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The whole HTTP/1.1 request for event {@code n}, signed now. */
  byte[] request(int n) {
    String id = run + "_" + n;
    StringBuilder body = new StringBuilder(4400).append(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      body.append(id).append(parts[i]);
    }
    byte[] payload = body.toString().getBytes(UTF_8);
    long t = System.currentTimeMillis() / 1000;
    mac.update((t + ".").getBytes(UTF_8));
    String v1 = HexFormat.of().formatHex(mac.doFinal(payload));
    byte[] head =
        ("POST /webhooks/stripe HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: application/json\r\nStripe-Signature: t="
                + t
                + ",v1="
                + v1
                + "\r\nContent-Length: "
                + payload.length
                + "\r\n\r\n")
            .getBytes(UTF_8);
    byte[] all = new byte[head.length + payload.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(payload, 0, all, head.length, payload.length);
    return all;
  }

  static byte[] get(String path, int port) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(UTF_8);
  }

  int bodyBytes() {
    return request(0).length;
  }
}
