package candybridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a 127.0.0.1 port chosen by the test, to a target port: a server that "comes
 * up" on a port that refused connections until then. Closing it closes every forwarded connection.
 */
public final class TcpForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private TcpForwarder(ServerSocket server) {
    this.server = server;
  }

  /** A 127.0.0.1 port nothing listens on (for now): connecting to it is refused. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TcpForwarder start(int port, int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      TcpForwarder forwarder = new TcpForwarder(server);
      Thread accept = new Thread(() -> forwarder.acceptLoop(targetPort), "forwarder-" + port);
      accept.setDaemon(true);
      accept.start();
      return forwarder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void acceptLoop(int targetPort) {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(in);
        sockets.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to) throws IOException {
    InputStream source = from.getInputStream();
    OutputStream sink = to.getOutputStream();
    Thread t =
        new Thread(
            () -> {
              try (from;
                  to) {
                source.transferTo(sink);
              } catch (IOException e) {
                // one side closed: closing both ends the connection
              }
            },
            "forwarder-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
