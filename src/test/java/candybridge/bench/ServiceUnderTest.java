package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

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
 * The service as its own process, started as {@link Launch} says ({@code ./candybridge serve}
 * unless a labelled variant), so start-up time (process start to the first {@code /readyz} 200) and
 * peak RSS ({@code VmHWM}) are real. The launcher {@code exec}s the JVM, so the process is it. Or
 * the container image under podman ({@link #startImage}), whose peak is its memory cgroup's.
 */
final class ServiceUnderTest implements AutoCloseable {
  private final Process process;
  private final int port;
  private final double startupMs;

  /** The podman container's name when this is the image, else null. */
  private final String container;

  private final Path log;

  private ServiceUnderTest(
      Process process, int port, double startupMs, String container, Path log) {
    this.process = process;
    this.port = port;
    this.startupMs = startupMs;
    this.container = container;
    this.log = log;
  }

  /**
   * The image as an operator runs it (README "Container image"), under podman with runc: read-only
   * root, no capabilities, {@code memory} as its memory limit and no swap, the host's network so
   * that it reaches the fake ReferralCandy on 127.0.0.1, and {@code data} as its volume.
   */
  static ServiceUnderTest startImage(
      String image, String memory, Path data, Map<String, String> env, Path log) {
    int port = freePort();
    String name = "candybridge-bench-" + port;
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--runtime",
                "runc",
                "run",
                "--rm",
                "--name",
                name,
                "--read-only",
                "--read-only-tmpfs=false",
                "--cap-drop=all",
                "--security-opt=no-new-privileges",
                "--memory",
                memory,
                "--memory-swap",
                memory,
                "--network",
                "host",
                "--ulimit",
                "nofile=" + hardLimit() + ":" + hardLimit(),
                "--ulimit",
                "nproc=4096:4096",
                "-v",
                data + ":/var/lib/candybridge"));
    env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
    command.addAll(List.of("-e", "CANDYBRIDGE_PORT=" + port, image));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    return started(builder, port, log, name);
  }

  private static String hardLimit() {
    try {
      Process p = new ProcessBuilder("sh", "-c", "ulimit -Hn").start();
      return new String(p.getInputStream().readAllBytes(), UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the kernel killed the container for memory (podman's {@code OOMKilled}). */
  boolean oomKilled() {
    return container != null
        && "true".equals(podman("inspect", "--format", "{{.State.OOMKilled}}", container));
  }

  private static String podman(String... args) {
    List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The container's peak memory in MiB from its cgroup: {@code memory.peak} (v2) or {@code
   * memory.max_usage_in_bytes} (v1; page cache included, as the limit counts it).
   */
  private double containerPeakMb() {
    String cgroup = podman("inspect", "--format", "{{.State.CgroupPath}}", container);
    for (Path file :
        List.of(
            Path.of("/sys/fs/cgroup" + cgroup, "memory.peak"),
            Path.of("/sys/fs/cgroup/memory" + cgroup, "memory.max_usage_in_bytes"))) {
      try {
        if (Files.exists(file)) {
          return Long.parseLong(Files.readString(file).strip()) / (1024.0 * 1024.0);
        }
      } catch (IOException | NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /**
   * @param wrapper run before the launch's command (e.g. one that enters a memory cgroup and {@code
   *     exec}s the rest), or empty
   */
  static ServiceUnderTest start(
      Launch launch, List<String> wrapper, Map<String, String> env, Path log) {
    int port = freePort();
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(launch.command("serve"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().clear();
    // The JVM of the harness first on PATH, so that the launcher's `java` is the same one.
    builder
        .environment()
        .put(
            "PATH",
            Path.of(System.getProperty("java.home"), "bin")
                + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("HOME", System.getProperty("user.home"));
    builder.environment().putAll(launch.env());
    builder.environment().putAll(env);
    builder.environment().put("CANDYBRIDGE_PORT", Integer.toString(port));
    return started(builder, port, log, null);
  }

  private static ServiceUnderTest started(
      ProcessBuilder builder, int port, Path log, String container) {
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
            return new ServiceUnderTest(
                process, port, (System.nanoTime() - t0) / 1e6, container, log);
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

  boolean alive() {
    return process.isAlive();
  }

  /** Whether the service's output names an OutOfMemoryError. */
  boolean loggedOutOfMemory() {
    try {
      return Files.readString(log).contains("OutOfMemoryError");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Peak resident set size so far, in MiB ({@code VmHWM} of /proc), or the container's peak. */
  double peakRssMb() {
    if (container != null) {
      return containerPeakMb();
    }
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
    if (container != null) {
      podman("stop", "-t", "30", container);
    }
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
