package candybridge.bench;

import static candybridge.bench.ScenarioRig.WARM_UP;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * The c=64 ingest load with the service inside a memory limit and no swap, as in a small container
 * or under systemd's {@code MemoryMax=256M}: the container image ({@code image}) and the jar in a
 * memory cgroup ({@code limit256}). Each must hold, with no OutOfMemoryError and no OOM kill.
 */
final class MemoryLimitScenarios {
  private final ScenarioRig rig;

  MemoryLimitScenarios(ScenarioRig rig) {
    this.rig = rig;
  }

  /**
   * The container image (README "Container image") under a {@code bench.imageMemory} (256m) memory
   * limit with no swap, at the ingest load: c=16 to warm up, then c=64 for 30 s. The image is
   * {@code bench.image}, or the one {@code target/candybridge-image.tar} loads as; its own JVM
   * flags (the entrypoint's {@code -XX:MaxRAMPercentage=75}) and nothing of the harness's.
   */
  void image() throws IOException {
    String image = System.getProperty("bench.image");
    if (image == null) {
      Process load =
          new ProcessBuilder("podman", "load", "-q", "-i", "target/candybridge-image.tar")
              .redirectErrorStream(true)
              .start();
      String out = new String(load.getInputStream().readAllBytes(), UTF_8);
      image =
          out.lines()
              .filter(l -> l.startsWith("Loaded image"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .reduce((a, b) -> b)
              .orElseThrow(() -> new IllegalStateException("podman load: " + out));
    }
    String memory = System.getProperty("bench.imageMemory", "256m");
    Path data = Files.createDirectories(rig.work("image-data-" + System.nanoTime()));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO)) {
      try (ServiceUnderTest service =
          ServiceUnderTest.startImage(
              image,
              memory,
              data,
              ScenarioRig.serviceEnv(rc),
              rig.work("image-" + System.nanoTime() + ".log"))) {
        LoadGenerator load = rig.load(service);
        load.closedLoop(16, WARM_UP, Long.MAX_VALUE, rig.webhooks(service.port()));
        int from = rig.nextEvent();
        Row row =
            Row.ofLoad(
                "image under " + memory + " (no swap) ingest c=64",
                load.closedLoop(64, rig.scaled(30), Long.MAX_VALUE, rig.webhooks(service.port())));
        rig.row(
            rig.withDeliveries(row, from, rig.nextEvent(), Duration.ofSeconds(10))
                .withProcess(service));
        rig.note(
            "image "
                + image
                + " under "
                + memory
                + ": OOMKilled="
                + service.oomKilled()
                + "; peak RSS column = the container's memory cgroup peak (page cache included)");
      }
    }
  }

  /**
   * The c=64 ingest load with the service inside a 256 MiB memory limit and no swap, as in a small
   * container or under systemd's {@code MemoryMax=256M}: it must hold, with no OutOfMemoryError and
   * no OOM kill. Reported as blocked when the harness cannot make the cgroup (not root, no
   * controller).
   */
  void memoryLimit() throws IOException {
    // bench.memoryLimitMiB: another limit, e.g. a larger one as a control for the same load.
    long mib = Long.getLong("bench.memoryLimitMiB", 256);
    MemoryLimit limit;
    try {
      limit = MemoryLimit.create(rig.run() + "-limit" + mib, mib << 20);
    } catch (IOException | RuntimeException e) {
      rig.note("limit256 blocked: no memory cgroup could be made (" + e + ")");
      return;
    }
    try (limit;
        BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO);
        ServiceUnderTest service =
            rig.service(
                rc, "jdbc:sqlite:" + rig.work("limit256.db"), 8, Map.of(), limit.wrapper())) {
      LoadGenerator load = rig.load(service);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, rig.webhooks(service.port()));
      int from = rig.nextEvent();
      ServiceMetrics before = ServiceMetrics.scrape(service.port());
      Row row =
          Row.ofLoad(
              "sqlite ingest c=64 in a " + mib + " MiB memory limit, no swap",
              load.closedLoop(64, rig.scaled(30), Long.MAX_VALUE, rig.webhooks(service.port())));
      rig.noteService(row, service, before);
      rig.row(
          rig.withDeliveries(row, from, rig.nextEvent(), Duration.ofSeconds(10))
              .withProcess(service));
      rig.note(
          "limit256: "
              + limit.report()
              + "; service still running: "
              + service.alive()
              + "; OutOfMemoryError in its output: "
              + service.loggedOutOfMemory());
    }
  }
}
