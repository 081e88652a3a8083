package candybridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java <flags> -jar target/candybridge.jar serve} as its own process, so start-up time
 * (process start to the first {@code /readyz} 200) and peak RSS ({@code VmHWM}) are real.
 */
final class ServiceUnderTest implements AutoCloseable {
  private final Process process;
  private final int port;
  private final double startupMs;

  private ServiceUnderTest(Process process, int port, double startupMs) {
    this.process = process;
    this.port = port;
    this.startupMs = startupMs;
  }

  static ServiceUnderTest start(Path jar, List<String> jvmFlags, Map<String, String> env, Path log) {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar.toString());
    command.add("serve");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    builder.environment().put("CANDYBRIDGE_PORT", Integer.toString(port));
    try {
      long t0 = System.nanoTime();
      Process process = builder.start();
      byte[] ready = CheckoutEvents.get("/readyz", port);
      long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("service exited; see " + log);
        }
        try (RawHttp http = new RawHttp(port)) {
          if (http.exchange(ready) == 200) {
            return new ServiceUnderTest(process, port, (System.nanoTime() - t0) / 1e6);
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
      process.destroyForcibly();
      throw new IllegalStateException("service not ready within 60 s; see " + log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return port;
  }

  double startupMs() {
    return startupMs;
  }

  /** Peak resident set size so far, in MiB ({@code VmHWM} of /proc). */
  double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** SIGKILL: an outage, no clean shutdown. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  @Override
  public void close() {
    process.destroy();
    waitFor();
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
