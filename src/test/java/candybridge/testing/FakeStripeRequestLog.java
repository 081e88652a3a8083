package candybridge.testing;

import candybridge.testing.FakeStripeApiServer.FormPost;
import candybridge.testing.FakeStripeApiServer.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the fake Stripe API received, for a test's assertions: every request, the form bodies posted
 * to the webhook endpoints, and the query of every events list request. Not thread-safe: the server
 * records and reads it holding its lock.
 */
final class FakeStripeRequestLog {
  private final List<Request> requests = new ArrayList<>();
  private final List<FormPost> endpointPosts = new ArrayList<>();
  private final List<Map<String, List<String>>> eventListQueries = new ArrayList<>();

  void request(Request request) {
    requests.add(request);
  }

  void endpointPost(FormPost post) {
    endpointPosts.add(post);
  }

  void eventListQuery(Map<String, List<String>> query) {
    eventListQueries.add(query);
  }

  /** How many events list requests have arrived so far. */
  int eventListCount() {
    return eventListQueries.size();
  }

  /** Every request so far, in order of arrival. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every POST to the webhook endpoints so far, with its form parameters. */
  List<FormPost> endpointPosts() {
    return List.copyOf(endpointPosts);
  }

  /** The decoded query parameters of every events list request so far, in order. */
  List<Map<String, List<String>>> eventListQueries() {
    return List.copyOf(eventListQueries);
  }
}
