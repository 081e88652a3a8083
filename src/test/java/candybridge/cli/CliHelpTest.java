package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

class CliHelpTest {
  @Test
  void help_lists_every_subcommand_on_one_line() {
    CommandLine cli = Cli.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();

    String help = out.toString();
    List<String> commandLines =
        help.substring(help.indexOf("Commands:"))
            .lines()
            .skip(1)
            .filter(l -> !l.isBlank())
            .toList();
    assertThat(cli.getSubcommands().keySet()).contains("serve", "demo", "dry-run", "check-config");
    assertThat(commandLines)
        .as("one line per subcommand, no wrapped continuation")
        .hasSize(cli.getSubcommands().size());
    for (String name : cli.getSubcommands().keySet()) {
      assertThat(commandLines).as(name).anyMatch(l -> l.matches("  " + name + " +\\S.*\\."));
    }
  }

  /** Every command in the tree, the root first. */
  private static List<CommandLine> everyCommand(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    Deque<CommandLine> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      CommandLine c = todo.pop();
      all.add(c);
      todo.addAll(c.getSubcommands().values());
    }
    return all;
  }

  private static String help(CommandLine c) {
    StringWriter out = new StringWriter();
    c.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    return out.toString();
  }

  @Test
  void every_command_help_fits_80_columns_and_describes_every_option_and_argument() {
    for (CommandLine c : everyCommand(Cli.commandLine())) {
      String name = c.getCommandSpec().qualifiedName();
      String help = help(c);
      assertThat(help.lines())
          .as(name + " --help at 80 columns:%n%s", help)
          .allMatch(l -> l.length() <= 80);
      for (OptionSpec o : c.getCommandSpec().options()) {
        assertThat(String.join(" ", o.description())).as(name + " " + o.longestName()).isNotBlank();
      }
      for (PositionalParamSpec p : c.getCommandSpec().positionalParameters()) {
        assertThat(String.join(" ", p.description())).as(name + " " + p.paramLabel()).isNotBlank();
      }
    }
  }

  /**
   * picocli wraps each description string at word boundaries; a string that is half a sentence
   * (lines broken by hand at some other width) comes out broken mid-sentence. So every string of a
   * description is a whole paragraph: it ends a sentence.
   */
  @Test
  void every_description_string_is_a_whole_paragraph() {
    for (CommandLine c : everyCommand(Cli.commandLine())) {
      if (c.getCommand() instanceof CommandLine.HelpCommand) {
        continue; // picocli's own
      }
      String name = c.getCommandSpec().qualifiedName();
      List<String> paragraphs =
          new ArrayList<>(List.of(c.getCommandSpec().usageMessage().description()));
      paragraphs.addAll(List.of(c.getCommandSpec().usageMessage().header()));
      c.getCommandSpec().options().forEach(o -> paragraphs.addAll(List.of(o.description())));
      c.getCommandSpec()
          .positionalParameters()
          .forEach(p -> paragraphs.addAll(List.of(p.description())));
      for (String p : paragraphs) {
        assertThat(p.strip()).as(name).matches("(?s)[A-Z\"].*[.:)]");
      }
    }
  }

  @Test
  void help_command_shows_a_subcommands_help() {
    CommandLine cli = Cli.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("help", "events")).isZero();
    assertThat(out.toString())
        .contains("Usage: candybridge events")
        .contains("list")
        .contains("show");
  }

  @Test
  void version_names_the_program() {
    CommandLine cli = new CommandLine(new Cli());
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--version")).isZero();
    assertThat(out.toString().strip())
        .as("the build writes candybridge/build.properties (pom.xml, maven-antrun-plugin)")
        .matches(
            "candybridge \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown)\\)");
  }

  @Test
  void version_without_build_properties_or_commit_says_unknown() {
    assertThat(Cli.Version.line(null)).isEqualTo("candybridge dev (commit unknown)");
    assertThat(
            Cli.Version.line(
                new ByteArrayInputStream(
                    "version=1.2.3\ncommit=unknown\n".getBytes(StandardCharsets.ISO_8859_1))))
        .isEqualTo("candybridge 1.2.3 (commit unknown)");
    assertThat(
            Cli.Version.line(
                new ByteArrayInputStream(
                    "version=1.2.3\ncommit=9504b567a3bb\n".getBytes(StandardCharsets.ISO_8859_1))))
        .isEqualTo("candybridge 1.2.3 (commit 9504b567a3bb)");
  }
}
