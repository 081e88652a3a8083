package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A buyer's first name and optional last name, as ReferralCandy wants them.
 *
 * @param first never blank
 * @param last the rest of the name after the first word; empty when there is none, in which case
 *     {@code last_name} is not sent
 */
record PersonName(String first, Optional<String> last) {
  // Covers the no-break and other Unicode spaces that copy-pasted names sometimes carry.
  private static final Pattern WHITESPACE_RUN = Pattern.compile("[\\s\\p{Z}]+");

  PersonName {
    requireNonNull(first, "first == null");
    requireNonNull(last, "last == null");
    if (first.isBlank()) {
      throw new IllegalArgumentException("first name must not be blank");
    }
  }

  /**
   * Splits a free-text full name: trimmed, inner whitespace collapsed, then split at the first
   * space into the first word and the rest. Empty for a blank name.
   */
  static Optional<PersonName> fromFullName(String fullName) {
    String normalized = WHITESPACE_RUN.matcher(fullName).replaceAll(" ").strip();
    if (normalized.isEmpty()) {
      return Optional.empty();
    }
    int space = normalized.indexOf(' ');
    if (space < 0) {
      return Optional.of(new PersonName(normalized, Optional.empty()));
    }
    return Optional.of(
        new PersonName(
            normalized.substring(0, space), Optional.of(normalized.substring(space + 1))));
  }

  /**
   * A first name taken from an e-mail address: the local part before any {@code +} tag, as
   * ReferralCandy's own Magento module does; no last name. Empty when that part is empty.
   */
  static Optional<PersonName> fromEmail(String email) {
    int at = email.lastIndexOf('@');
    String local = at < 0 ? email : email.substring(0, at);
    int plus = local.indexOf('+');
    String first = (plus < 0 ? local : local.substring(0, plus)).strip();
    return first.isEmpty()
        ? Optional.empty()
        : Optional.of(new PersonName(first, Optional.empty()));
  }
}
