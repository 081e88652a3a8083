package candybridge.bench;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The scenarios of issue 6, each bounded in time and in request count, run by name: those under a
 * load of webhooks ({@link LoadScenarios}), those inside a memory limit ({@link
 * MemoryLimitScenarios}) and the backlog drains ({@link BacklogScenarios}), all on one {@link
 * ScenarioRig}.
 */
final class Scenarios {
  /**
   * @param scale multiplies every measured duration (1.0 = the 30 s / 60 s)
   */
  record Settings(Launch launch, Path work, double scale, int tunedConcurrency) {}

  private final LoadScenarios load;
  private final MemoryLimitScenarios memoryLimit;
  private final BacklogScenarios backlog;

  /**
   * @param notes takes a remark printed beside the figures (as a Markdown comment)
   */
  Scenarios(Settings settings, Consumer<Row> out, Consumer<String> notes) {
    ScenarioRig rig = new ScenarioRig(settings, out, notes);
    this.load = new LoadScenarios(rig);
    this.memoryLimit = new MemoryLimitScenarios(rig);
    this.backlog = new BacklogScenarios(rig);
  }

  void run(String scenario) throws Exception {
    switch (scenario) {
      case "healthz" -> load.healthz();
      case "ingest" -> load.ingest();
      case "steady" -> load.steady();
      case "slow-rc" -> load.slowReferralCandy();
      case "backlog" -> backlog.backlog();
      case "outage" -> backlog.outage();
      case "ratelimit" -> backlog.rateLimited();
      case "image" -> memoryLimit.image();
      case "postgres" -> load.postgres();
      case "limit256" -> memoryLimit.memoryLimit();
      default -> throw new IllegalArgumentException(scenario);
    }
  }
}
