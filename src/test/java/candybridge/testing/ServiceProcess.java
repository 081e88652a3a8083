package candybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code candybridge serve} as a real child JVM (the same classes as the test run), its log in
 * {@code target/test-logs/} so the log-hygiene test scans it too. {@link #kill()} is SIGKILL: no
 * shutdown hook, no clean close.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");

  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  public static Path logDir() {
    Path dir = Path.of(System.getProperty("candybridge.testLogDir", "target/test-logs"));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** How a {@code serve} that was expected to refuse ended: its exit code and its output. */
  public record Exit(int code, String output) {}

  /** Runs {@code serve} to its end (it is expected to refuse to start) and returns how it ended. */
  public static Exit runToExit(String name, Map<String, String> env, Duration timeout) {
    Path log = logDir().resolve(name + ".log");
    try {
      Process process = builder(log, env).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("serve did not exit within " + timeout + "; see " + log);
      }
      return new Exit(process.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static ServiceProcess start(String name, Map<String, String> env) {
    Path log = logDir().resolve(name + ".log");
    ProcessBuilder builder = builder(log, env);
    try {
      Process process = builder.start();
      int port = awaitPort(process, log, Duration.ofSeconds(60));
      return new ServiceProcess(process, log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProcessBuilder builder(Path log, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("candybridge.Main");
    command.add("serve");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder;
  }

  private static int awaitPort(Process process, Path log, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = PORT.matcher(Files.readString(log));
        int found = -1;
        while (m.find()) {
          found = Integer.parseInt(m.group(1));
        }
        if (found > 0 && process.isAlive()) {
          return found;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited with " + process.exitValue() + "; see " + log);
      }
      Poll.pause();
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "service did not report its port within " + timeout + "; see " + log);
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /**
   * The child's process id. The service names its delivery claims {@code <pid>-<random>} ({@code
   * delivery.claimed_by}), so a test can tell which instance holds which claim.
   */
  public long pid() {
    return process.pid();
  }

  /** SIGKILL, then wait until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM: the shutdown hook closes the service cleanly. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
