package candybridge.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 connection to 127.0.0.1 that sends prepared request bytes and reads the
 * status and body (Content-Length or chunked). The cheapest client there is, so the load generator
 * takes as little CPU from the server under test as possible. Not thread-safe.
 */
final class RawHttp implements AutoCloseable {
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  RawHttp(int port) {
    this.port = port;
  }

  /**
   * Sends {@code request} and returns the response status; reconnects once on a stale connection.
   */
  int exchange(byte[] request) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(request);
    out.flush();
    return readResponse();
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  private int readResponse() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      String lower = h.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line().trim(), 16);
          size > 0;
          size = Long.parseLong(line().trim(), 16)) {
        skip(size);
        line();
      }
      line();
    } else if (length > 0) {
      skip(length);
    }
    if (close) {
      close();
    }
    return code;
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        s = 1;
      }
      left -= s;
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return new String(b.toString().getBytes(ISO_8859_1), ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do
      }
      socket = null;
    }
  }
}
