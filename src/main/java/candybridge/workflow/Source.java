package candybridge.workflow;

import static java.util.Objects.requireNonNull;

/** One place a parameter's value may come from; a parameter tries its sources in order. */
sealed interface Source {
  Transform transform();

  /** How the source is named in reasons (no values, only where we looked). */
  String describe();

  /** A field of the event. */
  record Field(FieldPath path, Transform transform) implements Source {
    public Field {
      requireNonNull(path, "path == null");
      requireNonNull(transform, "transform == null");
    }

    @Override
    public String describe() {
      return path.text();
    }
  }

  /** A fixed value, sent as written. */
  record Literal(String value) implements Source {
    public Literal {
      requireNonNull(value, "value == null");
    }

    @Override
    public Transform transform() {
      return Transform.NONE;
    }

    @Override
    public String describe() {
      return "a fixed value";
    }
  }

  /** The value of a parameter mapped earlier in the same workflow. */
  record Param(String name, Transform transform) implements Source {
    public Param {
      requireNonNull(name, "name == null");
      requireNonNull(transform, "transform == null");
    }

    @Override
    public String describe() {
      return "parameter " + name;
    }
  }

  /** A Stripe API lookup of the object whose id is at {@code id}. */
  record Lookup(Lookups.Kind kind, FieldPath id, Transform transform) implements Source {
    public Lookup {
      requireNonNull(kind, "kind == null");
      requireNonNull(id, "id == null");
      requireNonNull(transform, "transform == null");
    }

    @Override
    public String describe() {
      return "Stripe " + kind.key() + " of " + id.text();
    }
  }
}
