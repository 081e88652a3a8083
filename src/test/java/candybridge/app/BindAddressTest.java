package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CANDYBRIDGE_BIND_ADDRESS}: on 127.0.0.1 the server is not reachable on any other address
 * of this machine (another loopback address, 127.0.0.2, and every non-loopback one it has); on the
 * default, 0.0.0.0, it is.
 */
class BindAddressTest {
  static final long NOW = 1_789_466_660L;

  @Test
  void on_127_0_0_1_no_other_local_address_reaches_the_server(@TempDir Path dir)
      throws IOException {
    try (TestApp t =
        TestApp.start(
            dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_BIND_ADDRESS", "127.0.0.1"))) {
      assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode()).isEqualTo(200);
      List<InetAddress> others = otherAddresses();
      assertThat(others).isNotEmpty();
      for (InetAddress other : others) {
        assertThatThrownBy(() -> connect(other, t.port()))
            .as(other.toString())
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void on_the_default_every_local_address_reaches_the_server(@TempDir Path dir) throws IOException {
    try (TestApp t = TestApp.start(dir, NOW)) {
      for (InetAddress other : otherAddresses()) {
        connect(other, t.port()); // no exception: the check above has teeth
      }
    }
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2_000);
    }
  }

  /** 127.0.0.2 (all of 127/8 is this machine on Linux) and every non-loopback IPv4 address. */
  private static List<InetAddress> otherAddresses() throws SocketException, IOException {
    List<InetAddress> others = new ArrayList<>();
    others.add(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          others.add(a);
        }
      }
    }
    return others;
  }
}
