package candybridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The benchmark command ({@code bench/run.sh}): runs the named scenarios (or all) against the
 * service started as the README tells users to, {@code ./candybridge serve} (its JVM settings and
 * class-data archive), and prints one Markdown table row per measurement. Settings are system
 * properties: {@code bench.jvmFlags} (a labelled variant: {@code java <flags> -jar <bench.jar>}
 * instead of the launcher), {@code bench.scale} (scale factor for durations, 1.0 = the issue's
 * durations), {@code bench.tunedConcurrency}, {@code bench.cds} ({@code off}: no class-data
 * archive), {@code bench.memoryLimitMiB} (of {@code limit256}), and those of the backlog scenario
 * (BENCHMARKS.md). All traffic is to 127.0.0.1.
 */
public final class Bench {
  static final List<String> SCENARIOS =
      List.of(
          "healthz",
          "ingest",
          "steady",
          "slow-rc",
          "backlog",
          "outage",
          "ratelimit",
          "postgres",
          "limit256");

  /** Run only when named: {@code image} needs podman and {@code mvn -Pimage package}'s tarball. */
  static final List<String> BY_NAME_ONLY = List.of("image");

  private Bench() {}

  public static void main(String[] args) throws Exception {
    List<String> chosen =
        args.length == 0 || Arrays.asList(args).contains("all") ? SCENARIOS : Arrays.asList(args);
    for (String s : chosen) {
      if (!SCENARIOS.contains(s) && !BY_NAME_ONLY.contains(s)) {
        System.err.println(
            "unknown scenario " + s + "; known: " + SCENARIOS + ", " + BY_NAME_ONLY + " or all");
        System.exit(2);
      }
    }
    Path work = Files.createTempDirectory("candybridge-bench");
    Scenarios.Settings settings = settings(work);
    Launch launch = settings.launch();
    System.out.println(
        "<!-- service started as: "
            + String.join(" ", launch.command("serve"))
            + (launch.env().isEmpty() ? "" : " with " + launch.env())
            + " -->");
    Scenarios scenarios =
        new Scenarios(
            settings,
            row -> {
              System.out.println(row.named(launch.mark(row.scenario())).markdown());
              System.out.flush();
            },
            note -> System.out.println("<!-- " + note + " -->"));
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
    Process p =
        new ProcessBuilder("scripts/cds-archive.sh", jar.toString())
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

  /**
   * {@code ./candybridge} in {@code repo} (with {@code bench.cds=off}: without its archive), or,
   * when {@code bench.jvmFlags} is set, the labelled variant {@code java <flags> -jar <bench.jar>}.
   */
  static Launch launch(Properties properties, Path repo) throws IOException, InterruptedException {
    boolean cds = !"off".equals(properties.getProperty("bench.cds", "on"));
    String variant = properties.getProperty("bench.jvmFlags", "").trim();
    if (variant.isEmpty()) {
      // The way the README tells users to start it: the launcher, its JVM settings, its archive.
      return Launch.shipped(repo, cds);
    }
    Path jar = repo.resolve(properties.getProperty("bench.jar", "target/candybridge.jar"));
    List<String> classData = new ArrayList<>();
    if (cds) {
      String archive = classDataArchive(jar);
      if (!archive.isEmpty()) {
        classData.addAll(
            List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      }
    }
    return Launch.variant(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        Arrays.asList(variant.split("\\s+")),
        classData,
        jar);
  }

  private static Scenarios.Settings settings(Path work) throws IOException, InterruptedException {
    Launch launch = launch(System.getProperties(), Path.of("").toAbsolutePath());
    if (launch.label().isEmpty()) {
      // Made now (as at a user's first start after a build), so no measured start makes it.
      String archive = classDataArchive(Path.of("target/candybridge.jar").toAbsolutePath());
      System.out.println(
          "<!-- class-data archive of the launcher: "
              + (archive.isEmpty() ? "none" : archive)
              + " -->");
    }
    return new Scenarios.Settings(
        launch,
        work,
        Double.parseDouble(System.getProperty("bench.scale", "1.0")),
        Integer.getInteger("bench.tunedConcurrency", 64));
  }
}
