package candybridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark command ({@code bench/run.sh}): runs the named scenarios (or all) against the
 * shaded jar and prints one Markdown table row per measurement. Settings are system properties:
 * {@code bench.jar}, {@code bench.jvmFlags}, {@code bench.scale} (scale factor for durations,
 * 1.0 = the durations), {@code bench.tunedConcurrency}, {@code bench.cds} ({@code off}: no
 * class-data archive), and those of the backlog scenario (BENCHMARKS.md). All traffic is to 127.0.0.1.
 */
public final class Bench {
  static final List<String> SCENARIOS =
      List.of("healthz", "ingest", "steady", "slow-rc", "backlog", "outage", "ratelimit", "postgres");
  /** Run only when named: {@code image} needs podman and {@code mvn -Pimage package}'s tarball. */
  static final List<String> BY_NAME_ONLY = List.of("image");

  private Bench() {}

  public static void main(String[] args) throws Exception {
    List<String> chosen = args.length == 0 || Arrays.asList(args).contains("all")
        ? SCENARIOS : Arrays.asList(args);
    for (String s : chosen) {
      if (!SCENARIOS.contains(s) && !BY_NAME_ONLY.contains(s)) {
        System.err.println("unknown scenario " + s + "; known: " + SCENARIOS + ", " + BY_NAME_ONLY + " or all");
        System.exit(2);
      }
    }
    Path work = Files.createTempDirectory("candybridge-bench");
    Scenarios scenarios = new Scenarios(settings(work), row -> {
      System.out.println(row.markdown());
      System.out.flush();
    }, note -> System.out.println("<!-- " + note + " -->"));
    System.out.println(Row.header());
    for (String s : chosen) {
      System.out.println("<!-- " + s + ": load average before " + loadAverage() + " -->");
      scenarios.run(s);
    }
    System.out.println("<!-- load average after " + loadAverage() + " -->");
    System.exit(0);
  }

  /** The path printed by {@code scripts/cds-archive.sh} for the jar (made if need be), or "". */
  private static String classDataArchive(Path jar) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("scripts/cds-archive.sh", jar.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out;
  }

  /** The machine is shared: figures taken under load are to be read with this next to them. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static Scenarios.Settings settings(Path work) throws IOException, InterruptedException {
    List<String> flags = new ArrayList<>(Arrays.asList(
        System.getProperty("bench.jvmFlags", "-Xms64m -Xmx192m -XX:+UseSerialGC -Xss512k").trim().split("\\s+")));
    Path jar = Path.of(System.getProperty("bench.jar", "target/candybridge.jar")).toAbsolutePath();
    if (!"off".equals(System.getProperty("bench.cds", "on"))) {
      // As ./candybridge starts it: with the class-data archive made for this very jar.
      String archive = classDataArchive(jar);
      System.out.println("<!-- service JVM class-data archive: " + (archive.isEmpty() ? "none" : archive) + " -->");
      if (!archive.isEmpty()) {
        flags.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      }
    }
    return new Scenarios.Settings(
        jar,
        flags,
        work,
        Double.parseDouble(System.getProperty("bench.scale", "1.0")),
        Integer.getInteger("bench.tunedConcurrency", 64));
  }
}
