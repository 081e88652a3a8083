package candybridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's way of starting the service and the ways users are told to cannot drift apart:
 * the README's serve commands are the launcher (or spell out the flags of scripts/jvm-flags), the
 * harness starts that same launcher, the launcher runs the JVM with those flags and then
 * CANDYBRIDGE_JAVA_OPTS, and the systemd unit spells out the same flags.
 */
class LaunchCommandTest {
  private static final Path REPO = Path.of("").toAbsolutePath();

  /** A command that starts the service, in a README code block or code span. */
  private static final Pattern SERVE =
      Pattern.compile("(?m)(\\S*candybridge(?:\\.jar)?)((?: --?[\\w-]+)*) serve\\b[^\\n`]*");

  @Test
  void the_benchmark_starts_the_service_with_the_readmes_serve_command() throws Exception {
    List<String> readme = readmeServeCommands();
    assertThat(readme).as("README serve commands").isNotEmpty();

    Launch bench = Bench.launch(new Properties(), REPO);

    assertThat(bench.label())
        .as("the benchmark's default launch is the shipped one, unlabelled")
        .isEmpty();
    assertThat(bench.env()).isEmpty();
    for (String command : readme) {
      List<String> words = Arrays.asList(command.trim().split("\\s+"));
      if (words.contains("java")) {
        List<String> flags = words.subList(words.indexOf("java") + 1, words.indexOf("-jar"));
        assertThat(flags)
            .as("README command %s spells out scripts/jvm-flags", command)
            .containsSubsequence(jvmFlags());
      } else {
        assertThat(words.get(words.indexOf("serve") - 1))
            .as("README command %s", command)
            .isEqualTo("./" + Launch.LAUNCHER);
        assertThat(REPO.resolve(words.get(words.indexOf("serve") - 1)).normalize().toString())
            .as("the harness runs the launcher the README names")
            .isEqualTo(bench.command("serve").get(0));
      }
    }
    assertThat(bench.command("serve"))
        .containsExactly(REPO.resolve(Launch.LAUNCHER).toString(), "serve");
  }

  @Test
  void other_jvm_settings_in_the_benchmark_are_a_labelled_variant() throws Exception {
    Properties p = new Properties();
    p.setProperty("bench.jvmFlags", "-Xmx384m -XX:+UseG1GC");
    p.setProperty("bench.cds", "off");

    Launch variant = Bench.launch(p, REPO);

    assertThat(variant.label()).contains("variant", "-Xmx384m -XX:+UseG1GC");
    assertThat(variant.mark("sqlite ingest c=64"))
        .isEqualTo("sqlite ingest c=64 [" + variant.label() + "]");
    assertThat(variant.command("serve"))
        .endsWith(
            "-Xmx384m",
            "-XX:+UseG1GC",
            "-jar",
            REPO.resolve("target/candybridge.jar").toString(),
            "serve");
    Properties noArchive = new Properties();
    noArchive.setProperty("bench.cds", "off");
    assertThat(Bench.launch(noArchive, REPO).env()).containsEntry("CANDYBRIDGE_CDS", "off");
  }

  @Test
  void launcher_runs_java_with_the_flags_file_then_candybridge_java_opts(@TempDir Path dir)
      throws Exception {
    // The launcher as installed in a checkout, a built jar (so it builds nothing), and a `java`
    // that
    // prints the arguments it was given.
    Files.createDirectories(dir.resolve("scripts"));
    Files.createDirectories(dir.resolve("target"));
    Files.createDirectories(dir.resolve("bin"));
    Files.copy(
        REPO.resolve(Launch.LAUNCHER),
        dir.resolve(Launch.LAUNCHER),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(REPO.resolve("scripts/jvm-flags"), dir.resolve("scripts/jvm-flags"));
    Files.writeString(dir.resolve("target/candybridge.jar"), "");
    Path java = dir.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder builder =
        new ProcessBuilder("bash", dir.resolve(Launch.LAUNCHER).toString(), "serve")
            .redirectErrorStream(true);
    builder.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
    builder.environment().put("CANDYBRIDGE_CDS", "off");
    builder.environment().put("CANDYBRIDGE_JAVA_OPTS", "-Xmx384m -Dextra=1");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    List<String> expected = new ArrayList<>(jvmFlags());
    expected.addAll(
        List.of(
            "-Xmx384m",
            "-Dextra=1",
            "-jar",
            dir.resolve("target/candybridge.jar").toString(),
            "serve"));
    assertThat(out.lines())
        .as("java's arguments: the defaults, then CANDYBRIDGE_JAVA_OPTS (which win)")
        .containsExactlyElementsOf(expected);
  }

  @Test
  void systemd_unit_spells_out_the_flags_file_then_candybridge_java_opts() throws IOException {
    String exec =
        Files.readAllLines(REPO.resolve("deploy/candybridge.service")).stream()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow();
    List<String> words = Arrays.asList(exec.substring("ExecStart=".length()).split("\\s+"));
    List<String> flags = words.subList(1, words.indexOf("-jar"));

    assertThat(words.get(0)).endsWith("/java");
    assertThat(flags.subList(0, jvmFlags().size()))
        .as("the unit's first JVM flags")
        .isEqualTo(jvmFlags());
    assertThat(flags.get(flags.size() - 1))
        .as("last before -jar, so it wins")
        .isEqualTo("$CANDYBRIDGE_JAVA_OPTS");
    assertThat(words.get(words.size() - 1)).isEqualTo("serve");
  }

  @Test
  void flags_file_holds_a_bounded_heap_and_the_serial_collector() throws IOException {
    assertThat(jvmFlags()).anyMatch(f -> f.startsWith("-Xmx")).contains("-XX:+UseSerialGC");
  }

  @Test
  void the_image_entrypoint_carries_the_same_settings_but_a_heap_sized_from_its_memory_limit()
      throws IOException {
    String pom = Files.readString(REPO.resolve("pom.xml"));
    String entrypoint = pom.substring(pom.indexOf("<entrypoint>"), pom.indexOf("</entrypoint>"));
    List<String> args = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<arg>([^<]*)</arg>").matcher(entrypoint);
    while (m.find()) {
      args.add(m.group(1));
    }
    for (String flag : jvmFlags()) {
      if (flag.startsWith("-Xms") || flag.startsWith("-Xmx")) {
        continue; // the image sizes its heap from the container's limit
      }
      assertThat(args)
          .as("the image's entrypoint (pom.xml, jib) carries %s of scripts/jvm-flags", flag)
          .contains(flag);
    }
    assertThat(args).contains("-XX:MaxRAMPercentage=75").noneMatch(a -> a.startsWith("-Xmx"));
  }

  /** The flags of scripts/jvm-flags, as the launcher reads them (comment lines left out). */
  static List<String> jvmFlags() throws IOException {
    List<String> flags = new ArrayList<>();
    for (String line : Files.readAllLines(REPO.resolve("scripts/jvm-flags"))) {
      if (!line.strip().startsWith("#") && !line.isBlank()) {
        flags.addAll(Arrays.asList(line.strip().split("\\s+")));
      }
    }
    return flags;
  }

  /** Every serve command in the README's code blocks and code spans. */
  private static List<String> readmeServeCommands() throws IOException {
    String readme = Files.readString(REPO.resolve("README.md"));
    List<String> code = new ArrayList<>();
    Matcher blocks = Pattern.compile("(?s)```[a-z]*\\n(.*?)```").matcher(readme);
    while (blocks.find()) {
      code.add(blocks.group(1));
    }
    Matcher spans = Pattern.compile("`([^`\\n]+)`").matcher(readme.replaceAll("(?s)```.*?```", ""));
    while (spans.find()) {
      code.add(spans.group(1));
    }
    List<String> commands = new ArrayList<>();
    for (String c : code) {
      Matcher m = SERVE.matcher(c);
      while (m.find()) {
        String line = c.substring(c.lastIndexOf('\n', m.start()) + 1, m.end());
        commands.add(line);
      }
    }
    return commands;
  }
}
