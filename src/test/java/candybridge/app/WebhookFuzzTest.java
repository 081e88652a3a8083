package candybridge.app;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of {@code POST /webhooks/stripe} over raw sockets (RELIABILITY.md): signed events mutated
 * by bit flips, truncation, lying lengths, chunking, huge and duplicated headers, odd encodings and
 * content types, and plain garbage. Every answer must be below 500 (no 503 is provoked here), the
 * server must keep serving, and no event may be stored unless its request carried an unmodified
 * body and a valid signature. 2,000 requests by default, 100,000 in the long run.
 */
class WebhookFuzzTest {
  static final long NOW = 1_789_466_660L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();
  static final long SEED = Long.getLong("candybridge.seed", System.nanoTime());
  static final int THREADS = 4;
  static final String[] MUTATIONS = {
    "valid", "body-bit-flip", "body-truncated", "signature-bit-flip", "signature-truncated",
        "timestamp-changed",
    "huge-header", "duplicate-signature", "utf16-body", "gzip-claimed", "wrong-content-type",
        "length-too-long",
    "chunked", "chunked-broken", "header-injection", "non-ascii-header", "garbage", "http10"
  };

  @TempDir Path dir;

  @Test
  void two_thousand_mutated_requests_no_5xx_nothing_stored_without_a_valid_signature()
      throws Exception {
    fuzz(2_000, "fuzz-webhook-short");
  }

  @Test
  @Tag("long")
  void one_hundred_thousand_mutated_requests_no_5xx_nothing_stored_without_a_valid_signature()
      throws Exception {
    fuzz(100_000, "fuzz-webhook-long");
  }

  private void fuzz(int requests, String name) throws Exception {
    Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
    Map<String, AtomicLong> serverErrors = new ConcurrentHashMap<>();
    Set<String> validIds = ConcurrentHashMap.newKeySet();
    try (TestApp t = TestApp.start(dir, NOW)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      Future<?>[] runs = new Future<?>[THREADS];
      for (int w = 0; w < THREADS; w++) {
        int worker = w;
        runs[w] =
            pool.submit(
                () -> {
                  Random random = new Random(SEED + worker);
                  for (int i = worker; i < requests; i += THREADS) {
                    String mutation = MUTATIONS[random.nextInt(MUTATIONS.length)];
                    String status = send(t.port(), mutation, i, random, validIds);
                    byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                    if (status.startsWith("5")) {
                      serverErrors
                          .computeIfAbsent(mutation + " -> " + status, k -> new AtomicLong())
                          .incrementAndGet();
                    }
                  }
                  return null;
                });
      }
      for (Future<?> f : runs) {
        f.get();
      }
      pool.shutdown();
      Set<String> stored = storedIds(t.database);
      Set<String> unsigned = new HashSet<>(stored);
      unsigned.removeAll(validIds);
      assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode())
          .as("still serving")
          .isEqualTo(200);
      new ReliabilityReport(name)
          .put("seed", SEED)
          .put("requests", requests)
          .put("byStatus", new TreeMap<>(byStatus))
          .put("serverErrors", new TreeMap<>(serverErrors))
          .put("stored", stored.size())
          .put("storedWithoutValidSignature", unsigned.size())
          .write();
      assertThat(serverErrors).as("5xx answers (seed " + SEED + ")").isEmpty();
      assertThat(unsigned).as("events stored without a valid signature").isEmpty();
      assertThat(stored).as("the valid ones were stored").isNotEmpty();
    }
  }

  /**
   * Builds and sends one request; the status code, or "none" when the server closed without one.
   */
  static String send(int port, String mutation, int i, Random random, Set<String> validIds) {
    String id = EVENT_ID + "_fuzz_" + i;
    byte[] body =
        TEMPLATE.replace(EVENT_ID, id).replace(SESSION, SESSION + "_fuzz_" + i).getBytes(UTF_8);
    String signature = StripeWebhooks.sign(body, StripeWebhooks.SECRET, NOW);
    String type = "application/json";
    String requestLine = "POST /webhooks/stripe HTTP/1.1";
    StringBuilder extra = new StringBuilder();
    // True when the exact body and a valid signature for it are sent: only then may it be stored.
    boolean unmodified =
        switch (mutation) {
          case "duplicate-signature", "header-injection", "non-ascii-header" -> true;
          default -> false;
        };
    Integer declaredLength = null;
    boolean chunked = false;
    switch (mutation) {
      case "valid" -> unmodified = true;
      case "body-bit-flip" -> {
        body = body.clone();
        for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
          int bit = random.nextInt(body.length * 8);
          body[bit / 8] ^= (byte) (1 << (bit % 8));
        }
      }
      case "body-truncated" -> body = Arrays.copyOf(body, random.nextInt(body.length));
      case "signature-bit-flip" -> {
        char[] s = signature.toCharArray();
        int k = random.nextInt(s.length);
        s[k] = (char) (s[k] ^ (1 << random.nextInt(7)));
        // Upper-case hex is accepted on purpose (README): a flipped case bit is the same signature.
        unmodified = new String(s).equalsIgnoreCase(signature);
        signature = new String(s);
      }
      case "signature-truncated" ->
          signature = signature.substring(0, random.nextInt(signature.length()));
      case "timestamp-changed" ->
          signature = signature.replace("t=" + NOW, "t=" + (NOW + 1 + random.nextInt(299)));
      case "huge-header" -> {
        unmodified = true; // a valid request with a big extra header: stored if the server takes it
        extra
            .append("X-Padding: ")
            .append("a".repeat(1_000 + random.nextInt(80_000)))
            .append("\r\n");
      }
      // A second, bogus signature after the valid one: the body stays proven.
      case "duplicate-signature" ->
          extra
              .append("Stripe-Signature: t=")
              .append(NOW)
              .append(",v1=")
              .append("0".repeat(64))
              .append("\r\n");
      case "utf16-body" ->
          body = new String(body, UTF_8).getBytes(java.nio.charset.StandardCharsets.UTF_16);
      case "gzip-claimed" -> {
        body = gzip(body);
        extra.append("Content-Encoding: gzip\r\n");
      }
      case "wrong-content-type" -> {
        unmodified = true; // the signature covers the bytes, whatever the declared type
        type =
            new String[] {
                  "text/plain",
                  "application/x-www-form-urlencoded",
                  "multipart/form-data; boundary=x",
                  "application/json; charset=EBCDIC",
                  "",
                  "*/*"
                }
                [random.nextInt(6)];
      }
      case "length-too-long" -> declaredLength = body.length + 1 + random.nextInt(1_000);
      case "chunked" -> {
        unmodified = true;
        chunked = true;
      }
      case "chunked-broken" -> {
        chunked = true;
        body = Arrays.copyOf(body, body.length / 2);
        declaredLength = -1;
      }
      case "header-injection" -> signature = signature + "\r\nX-Injected: 1\r\n";
      case "non-ascii-header" -> extra.append("X-Name: J\u00f6rg \u00ff\u00fe\r\n");
      case "garbage" -> {
        byte[] junk = new byte[random.nextInt(2_000)];
        random.nextBytes(junk);
        return exchange(port, junk);
      }
      case "http10" -> {
        unmodified = true;
        requestLine = "POST /webhooks/stripe HTTP/1.0";
      }
      default -> throw new IllegalStateException(mutation);
    }
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    StringBuilder head =
        new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (!type.isEmpty()) {
      head.append("Content-Type: ").append(type).append("\r\n");
    }
    head.append("Stripe-Signature: ").append(signature).append("\r\n").append(extra);
    if (chunked) {
      head.append("Transfer-Encoding: chunked\r\n\r\n");
    } else {
      head.append("Content-Length: ")
          .append(declaredLength == null ? body.length : declaredLength)
          .append("\r\n\r\n");
    }
    request.writeBytes(head.toString().getBytes(ISO_8859_1));
    if (chunked) {
      int at = 0;
      while (at < body.length) {
        int n = Math.min(body.length - at, 1 + random.nextInt(400));
        request.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
        request.write(body, at, n);
        request.writeBytes("\r\n".getBytes(ISO_8859_1));
        at += n;
      }
      if (declaredLength == null) {
        request.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
      } else {
        request.writeBytes("zz\r\n".getBytes(ISO_8859_1));
      }
    } else {
      request.writeBytes(body);
    }
    if (unmodified) {
      validIds.add(id);
    }
    return exchange(port, request.toByteArray());
  }

  /** Writes the bytes, half-closes, reads the answer to EOF; its status code. */
  static String exchange(int port, byte[] request) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      try {
        s.getOutputStream().write(request);
        s.shutdownOutput();
      } catch (IOException e) {
        // the server may refuse before reading everything (e.g. 431): read its answer anyway
      }
      InputStream in = s.getInputStream();
      byte[] first = in.readNBytes(12);
      in.transferTo(java.io.OutputStream.nullOutputStream());
      String line = new String(first, ISO_8859_1);
      return line.startsWith("HTTP/1.") && line.length() >= 12 ? line.substring(9, 12) : "none";
    } catch (IOException e) {
      return "reset";
    }
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static Set<String> storedIds(Path database) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event_id FROM stripe_event")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
