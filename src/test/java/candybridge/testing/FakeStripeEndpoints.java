package candybridge.testing;

import static candybridge.testing.FakeStripeParams.first;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The account's webhook endpoints as the fake Stripe holds them, and Stripe's answers at {@code GET
 * /v1/webhook_endpoints}, {@code POST /v1/webhook_endpoints} and {@code POST
 * /v1/webhook_endpoints/{id}}: form bodies checked as Stripe does ({@code url}, {@code
 * enabled_events[]} or {@code enabled_events[N]}, {@code metadata[key]}, {@code description},
 * {@code disabled}; unknown parameters refused), a new endpoint's {@code secret} shown only in the
 * answer to its creation, a creation beyond the endpoint limit refused with 400. Keys are checked
 * by the server before. Thread-safe.
 */
final class FakeStripeEndpoints {
  static final String PATH = "/v1/webhook_endpoints";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KNOWN =
      Set.of(
          "url", "enabled_events", "metadata", "description", "disabled", "api_version", "connect");

  private final List<ObjectNode> endpoints = new ArrayList<>();
  private int limit = 16;

  /** An existing endpoint (as made in the Dashboard), with the next {@code we_fake…} id. */
  synchronized void add(
      String url, List<String> events, boolean enabled, Map<String, String> metadata) {
    ObjectNode e = JSON.createObjectNode();
    e.put("id", "we_fake" + (endpoints.size() + 1));
    e.put("object", "webhook_endpoint");
    e.put("url", url);
    e.putArray("enabled_events")
        .addAll(events.stream().map(JSON.getNodeFactory()::textNode).toList());
    e.put("status", enabled ? "enabled" : "disabled");
    ObjectNode meta = e.putObject("metadata");
    metadata.forEach(meta::put);
    e.put("secret", "whsec_fake_dashboard_" + (endpoints.size() + 1));
    endpoints.add(e);
  }

  /** How many endpoints the account may have (Stripe: 16 per mode). */
  synchronized void limit(int limit) {
    this.limit = limit;
  }

  /** The endpoints as a GET shows them now: without their secrets. */
  synchronized List<ObjectNode> shown() {
    return endpoints.stream().map(FakeStripeEndpoints::shown).toList();
  }

  /** Stripe's answer to an authorized request at {@code path} (which starts with {@link #PATH}). */
  synchronized FakeStripeAnswer answer(String method, String path, Map<String, List<String>> form) {
    if (method.equals("GET") && path.equals(PATH)) {
      return FakeStripeAnswer.list(shown(), false, PATH);
    }
    if (!method.equals("POST")) {
      return FakeStripeAnswer.unrecognized(method, path);
    }
    for (String name : form.keySet()) {
      String base = name.contains("[") ? name.substring(0, name.indexOf('[')) : name;
      if (!KNOWN.contains(base)
          || (path.equals(PATH) && base.equals("disabled"))
          || (!path.equals(PATH) && (base.equals("api_version") || base.equals("connect")))) {
        return FakeStripeAnswer.error(
            400,
            "invalid_request_error",
            "parameter_unknown",
            "Received unknown parameter: " + name,
            name);
      }
    }
    List<String> events = FakeStripeParams.indexed(form, "enabled_events");
    String url = first(form, "url", null);
    if (url != null && !validUrl(url)) {
      return FakeStripeAnswer.error(
          400, "invalid_request_error", "url_invalid", "Invalid URL: " + url, "url");
    }
    return path.equals(PATH)
        ? create(url, events, form)
        : update(FakeStripeParams.decode(path.substring(PATH.length() + 1)), url, events, form);
  }

  private FakeStripeAnswer create(String url, List<String> events, Map<String, List<String>> form) {
    if (url == null) {
      return missing("url");
    }
    if (events.isEmpty()) {
      return missing("enabled_events");
    }
    if (endpoints.size() >= limit) {
      return FakeStripeAnswer.error(
          400,
          "invalid_request_error",
          null,
          "You have reached the maximum of " + limit + " test webhook endpoints.");
    }
    ObjectNode e = JSON.createObjectNode();
    e.put("id", "we_fake" + (endpoints.size() + 1));
    e.put("object", "webhook_endpoint");
    e.put("status", "enabled");
    e.put("secret", "whsec_fake_created_" + (endpoints.size() + 1));
    e.putObject("metadata");
    apply(e, url, events, form);
    endpoints.add(e);
    return new FakeStripeAnswer(200, e.toString());
  }

  private FakeStripeAnswer update(
      String id, String url, List<String> events, Map<String, List<String>> form) {
    ObjectNode e =
        endpoints.stream().filter(x -> x.path("id").asText().equals(id)).findFirst().orElse(null);
    if (e == null) {
      return FakeStripeAnswer.error(
          404,
          "invalid_request_error",
          "resource_missing",
          "No such webhook endpoint: '" + id + "'",
          "id");
    }
    String disabled = first(form, "disabled", null);
    if (disabled != null) {
      e.put("status", disabled.equals("true") ? "disabled" : "enabled");
    }
    apply(e, url, events, form);
    return new FakeStripeAnswer(200, shown(e).toString());
  }

  private static FakeStripeAnswer missing(String param) {
    return FakeStripeAnswer.error(
        400,
        "invalid_request_error",
        "parameter_missing",
        "Missing required param: " + param + ".",
        param);
  }

  private static void apply(
      ObjectNode e, String url, List<String> events, Map<String, List<String>> form) {
    if (url != null) {
      e.put("url", url);
    }
    if (!events.isEmpty()) {
      e.putArray("enabled_events")
          .addAll(events.stream().map(JSON.getNodeFactory()::textNode).toList());
    }
    String description = first(form, "description", null);
    if (description != null) {
      e.put("description", description);
    }
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            ((ObjectNode) e.path("metadata"))
                .put(k.substring("metadata[".length(), k.length() - 1), v.get(0));
          }
        });
  }

  private static boolean validUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** An endpoint as GET shows it: without its secret. */
  private static ObjectNode shown(ObjectNode endpoint) {
    ObjectNode copy = endpoint.deepCopy();
    copy.remove("secret");
    return copy;
  }
}
