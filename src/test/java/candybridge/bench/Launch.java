package candybridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the benchmark starts the service. {@link #shipped} is the way the README tells users to,
 * {@code ./candybridge serve}: the launcher with its JVM settings (scripts/jvm-flags) and
 * class-data archive, so the figures are those of the product as shipped. {@link #variant} is a
 * benchmark of other JVM settings ({@code bench.jvmFlags}), {@code java <flags> -jar <jar>}, and
 * every row it makes carries its {@link #label}. LaunchCommandTest keeps the shipped way and the
 * README's equal.
 *
 * @param prefix the command line before the subcommand
 * @param env environment the launch adds (e.g. {@code CANDYBRIDGE_CDS=off})
 * @param label "" for the shipped way, else what the rows of this launch are marked with
 */
record Launch(List<String> prefix, Map<String, String> env, String label) {
  /** The launcher's file name, at the root of the repository. */
  static final String LAUNCHER = "candybridge";

  Launch {
    prefix = List.copyOf(prefix);
    env = Map.copyOf(env);
  }

  /** {@code ./candybridge}, with its class-data archive or ({@code cds} false) without. */
  static Launch shipped(Path repo, boolean cds) {
    return new Launch(
        List.of(repo.resolve(LAUNCHER).toString()),
        cds ? Map.of() : Map.of("CANDYBRIDGE_CDS", "off"),
        cds ? "" : "launcher, CANDYBRIDGE_CDS=off");
  }

  /** {@code java <flags> -jar <jar>}: other settings than the shipped ones, labelled with them. */
  static Launch variant(Path java, List<String> flags, List<String> classDataFlags, Path jar) {
    List<String> prefix = new ArrayList<>();
    prefix.add(java.toString());
    prefix.addAll(flags);
    prefix.addAll(classDataFlags);
    prefix.add("-jar");
    prefix.add(jar.toString());
    return new Launch(
        prefix,
        Map.of(),
        "variant: java "
            + String.join(" ", flags)
            + " -jar"
            + (classDataFlags.isEmpty() ? "" : ", with the class-data archive"));
  }

  List<String> command(String subcommand) {
    List<String> command = new ArrayList<>(prefix);
    command.add(subcommand);
    return command;
  }

  /** The scenario name as printed: marked when this is not the shipped launch. */
  String mark(String scenario) {
    return label.isEmpty() ? scenario : scenario + " [" + label + "]";
  }
}
