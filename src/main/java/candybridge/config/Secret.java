package candybridge.config;

import static java.util.Objects.requireNonNull;

/**
 * A secret setting value. {@code toString()} never shows it, so a logged config or record is safe
 * to read; call {@link #reveal()} only where the value is used (signing, comparing).
 */
public record Secret(String value) {
  public Secret {
    requireNonNull(value, "value == null");
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
