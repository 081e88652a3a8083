package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliHelpTest {
  @Test
  void help_lists_every_subcommand_on_one_line() {
    CommandLine cli = new CommandLine(new Cli());
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();

    String help = out.toString();
    List<String> commandLines =
        help.substring(help.indexOf("Commands:")).lines().skip(1).filter(l -> !l.isBlank()).toList();
    assertThat(cli.getSubcommands().keySet()).contains("serve", "demo", "dry-run", "check-config");
    assertThat(commandLines).as("one line per subcommand, no wrapped continuation")
        .hasSize(cli.getSubcommands().size());
    for (String name : cli.getSubcommands().keySet()) {
      assertThat(commandLines).as(name).anyMatch(l -> l.matches("  " + name + " +\\S.*\\."));
    }
  }

  @Test
  void version_names_the_program() {
    CommandLine cli = new CommandLine(new Cli());
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--version")).isZero();
    assertThat(out.toString().strip())
        .as("the build writes candybridge/build.properties (pom.xml, maven-antrun-plugin)")
        .matches("candybridge \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown)\\)");
  }

  @Test
  void version_without_build_properties_or_commit_says_unknown() {
    assertThat(Cli.Version.line(null)).isEqualTo("candybridge dev (commit unknown)");
    assertThat(Cli.Version.line(new ByteArrayInputStream(
        "version=1.2.3\ncommit=unknown\n".getBytes(StandardCharsets.ISO_8859_1))))
        .isEqualTo("candybridge 1.2.3 (commit unknown)");
    assertThat(Cli.Version.line(new ByteArrayInputStream(
        "version=1.2.3\ncommit=9504b567a3bb\n".getBytes(StandardCharsets.ISO_8859_1))))
        .isEqualTo("candybridge 1.2.3 (commit 9504b567a3bb)");
  }
}
