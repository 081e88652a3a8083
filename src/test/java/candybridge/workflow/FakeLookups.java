package candybridge.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stripe's API as a table of answers; records what it was asked. */
final class FakeLookups implements Lookups {
  private final Map<String, String> answers = new HashMap<>();
  final List<String> asked = new ArrayList<>();
  private UnavailableException failure;

  FakeLookups with(Kind kind, String id, String value) {
    answers.put(kind.key() + " " + id, value);
    return this;
  }

  FakeLookups failingWith(UnavailableException e) {
    failure = e;
    return this;
  }

  @Override
  public Optional<String> find(Kind kind, String id) throws UnavailableException {
    asked.add(kind.key() + " " + id);
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(answers.get(kind.key() + " " + id));
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public boolean deferred() {
    return false;
  }
}
