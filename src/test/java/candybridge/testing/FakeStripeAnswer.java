package candybridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the fake Stripe API sends back for one request: a status, a body and its content type;
 * {@link #HANG} sends nothing until the server closes. The factories build Stripe's JSON shapes:
 * the error {@code {"error":{"type":…,"code":…,"message":…,"param":…}}} and the list {@code
 * {"object":"list","data":[…],"has_more":…,"url":…}}.
 */
record FakeStripeAnswer(int status, String body, String contentType) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Not an answer: the request is left unanswered until close. */
  static final FakeStripeAnswer HANG = new FakeStripeAnswer(0, "");

  /** A JSON answer. */
  FakeStripeAnswer(int status, String body) {
    this(status, body, "application/json");
  }

  /** A Stripe error without {@code param}; {@code code} is left out when null. */
  static FakeStripeAnswer error(int status, String type, String code, String message) {
    return error(status, type, code, message, null);
  }

  /** A Stripe error; {@code code} and {@code param} are left out when null. */
  static FakeStripeAnswer error(
      int status, String type, String code, String message, String param) {
    ObjectNode error = JSON.createObjectNode();
    error.put("type", type);
    if (code != null) {
      error.put("code", code);
    }
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return new FakeStripeAnswer(status, root.toString());
  }

  /** Stripe's 404 for a route it does not have. */
  static FakeStripeAnswer unrecognized(String method, String path) {
    return error(
        404,
        "invalid_request_error",
        null,
        "Unrecognized request URL (" + method + ": " + path + ").");
  }

  /** A 200 list page of these objects, listed at {@code url}. */
  static FakeStripeAnswer list(List<ObjectNode> data, boolean hasMore, String url) {
    ObjectNode list = JSON.createObjectNode();
    list.put("object", "list");
    list.putArray("data").addAll(data);
    list.put("has_more", hasMore);
    list.put("url", url);
    return new FakeStripeAnswer(200, list.toString());
  }
}
