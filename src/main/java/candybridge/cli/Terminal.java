package candybridge.cli;

import candybridge.text.UntrustedText;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a command reads and writes besides its arguments; tests pass their own. {@code keyboard}
 * answers questions: empty when there is no terminal to ask (a script, a pipe, a cron job).
 */
record Terminal(
    Map<String, String> env,
    Clock clock,
    PrintStream out,
    PrintStream err,
    Optional<BufferedReader> keyboard) {

  /** A terminal that cannot ask questions. */
  Terminal(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    this(env, clock, out, err, Optional.empty());
  }

  /**
   * Stored text (names, dedupe keys, metadata, errors that quote them) as it may be printed:
   * control characters, line separators and bidi overrides escaped, so a customer cannot write to
   * the operator's terminal or forge a line of output. See {@link UntrustedText}.
   */
  static String shown(Object text) {
    return UntrustedText.forTerminal(String.valueOf(text));
  }

  static Terminal system() {
    // Java 17: no console when standard input or output is not a terminal.
    Console console = System.console();
    return new Terminal(
        System.getenv(),
        Clock.systemUTC(),
        System.out,
        System.err,
        console == null ? Optional.empty() : Optional.of(new BufferedReader(console.reader())));
  }

  /**
   * Prints {@code question} and reads one line: true for {@code y} or {@code yes} (any case), false
   * for anything else. Empty when nobody can answer: no terminal, or its input already closed.
   */
  Optional<Boolean> confirm(String question) {
    if (keyboard.isEmpty()) {
      return Optional.empty();
    }
    out.print(question);
    out.flush();
    try {
      String answer = keyboard.get().readLine();
      if (answer == null) {
        out.println();
        return Optional.empty();
      }
      String a = answer.strip().toLowerCase(Locale.ROOT);
      return Optional.of(a.equals("y") || a.equals("yes"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the answer from the terminal", e);
    }
  }
}
