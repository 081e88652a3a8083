package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    assertThat(out.toString()).startsWith("candybridge ");
  }
}
