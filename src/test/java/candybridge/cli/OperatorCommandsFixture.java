package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the operator command tests share: a service on a temp SQLite file, sales posted to it as
 * signed webhooks, and each command run in-process against the same file as the operator would run
 * it, with the environment, the clock and what the operator types at the terminal, capturing exit
 * code, output and errors. The test classes extend it, so a test reads as the operator's session
 * ({@code list()}, {@code resolve("--as", "sent")}, ...).
 */
abstract class OperatorCommandsFixture {
  static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;
  TestApp t;
  Map<String, String> env;

  /** What the operator types at the terminal; empty: no terminal (a script). */
  Optional<String> typed = Optional.empty();

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW);
    env = new HashMap<>(TestApp.env(t.database, t.rc, StripeWebhooks.SECRET));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  String sale(int i) {
    String body = TEMPLATE.replace(SESSION, SESSION + "_" + i).replace(EVENT, EVENT + "_" + i);
    assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
    return SESSION + "_" + i;
  }

  Delivery delivery(String session) {
    return t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
  }

  <C extends Callable<Integer>> Run run(C command, Consumer<Terminal> inject, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    inject.accept(
        new Terminal(
            env,
            t.clock,
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            typed.map(text -> new BufferedReader(new StringReader(text)))));
    int code = new CommandLine(command).execute(args);
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  Run list(String... args) {
    DeliveriesCommand.ListDeliveries c = new DeliveriesCommand.ListDeliveries();
    return run(c, term -> c.terminal = term, args);
  }

  Run show(String... args) {
    DeliveriesCommand.Show c = new DeliveriesCommand.Show();
    return run(c, term -> c.terminal = term, args);
  }

  Run events(String... args) {
    EventsCommand.ListEvents c = new EventsCommand.ListEvents();
    return run(c, term -> c.terminal = term, args);
  }

  Run event(String... args) {
    EventsCommand.Show c = new EventsCommand.Show();
    return run(c, term -> c.terminal = term, args);
  }

  Run replay(String... args) {
    ReplayCommand c = new ReplayCommand();
    return run(c, term -> c.terminal = term, args);
  }

  Run resolve(String... args) {
    ResolveCommand c = new ResolveCommand();
    return run(c, term -> c.terminal = term, args);
  }

  Run purge(String... args) {
    PurgeCommand c = new PurgeCommand();
    return run(c, term -> c.terminal = term, args);
  }

  Run checkConfig(String... args) {
    CheckConfigCommand c = new CheckConfigCommand();
    return run(c, term -> c.terminal = term, args);
  }
}
