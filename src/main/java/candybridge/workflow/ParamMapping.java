package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One ReferralCandy parameter of a workflow: where its value comes from, first found wins. */
record ParamMapping(String name, List<Source> sources, boolean required) {
  ParamMapping {
    requireNonNull(name, "name == null");
    sources = List.copyOf(sources);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("parameter " + name + " has no source");
    }
  }
}
