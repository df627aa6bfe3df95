package dev.appupdate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.internal.ExplanationAccess;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.internal.Json;
import dev.appupdate.protocol.internal.Nodes;
import dev.appupdate.protocol.internal.OfferJson;
import dev.appupdate.protocol.internal.OutcomeJson;
import dev.appupdate.protocol.internal.RequestJson;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The client side of protocol v1's JSON: writes update requests and completion reports, reads
 * update responses, problem documents and explanations. Reading is as strict as {@link
 * ServerCodec}, with two deliberate leniencies: an invalid entry of {@code available_updates} does not fail the whole
 * response but is returned as a {@link RejectedOffer}, so the client can install the valid offers
 * and report the invalid one as failed; and a problem document may lack any member or hold one
 * of the wrong type, which is then ignored (RFC 9457).
 * Versions are always written as strings. Thread-safe.
 *
 * <pre>{@code
 * ClientCodec codec = ClientCodec.create();
 * byte[] body = codec.encodeUpdateRequest(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));
 * UpdateResponse response = codec.decodeUpdateResponse(answer);
 * }</pre>
 */
public final class ClientCodec {
  private final Json json;

  private ClientCodec(CodecLimits limits) {
    this.json = new Json(limits);
  }

  /**
   * Returns a codec with {@link CodecLimits#defaults()}.
   *
   * @return the codec
   */
  public static ClientCodec create() {
    return new ClientCodec(CodecLimits.defaults());
  }

  /**
   * Returns a codec enforcing {@code limits}.
   *
   * @param limits the bounds of every document read
   * @return the codec
   */
  public static ClientCodec create(CodecLimits limits) {
    return new ClientCodec(Objects.requireNonNull(limits, "limits == null"));
  }

  /**
   * Writes the body of {@code POST /v1/update}; the version is always written as a string.
   *
   * @param request the request
   * @return the JSON document
   */
  public byte[] encodeUpdateRequest(UpdateRequest request) {
    Objects.requireNonNull(request, "request == null");
    ObjectNode root = Json.object();
    RequestJson.write(root, request);
    return json.write(root);
  }

  /**
   * Reads the body of a {@code 200} answer to {@code POST /v1/update}.
   *
   * <p>An entry of {@code available_updates} that is invalid, or that repeats the update type of
   * an earlier entry, is returned in {@link UpdateResponse#rejected()} instead of failing the
   * whole response.
   *
   * @param body the response body
   * @return the valid offers and, separately, the entries that were invalid
   * @throws ProtocolException if the document itself is malformed: bad JSON, a missing or invalid
   *     {@code request_id}, or {@code available_updates} missing, not an array, or empty
   */
  public UpdateResponse decodeUpdateResponse(byte[] body) {
    String doc = "update response";
    JsonNode root = json.readObject(body, doc);
    List<FieldError> errors = Nodes.errors();
    Nodes r = Nodes.root(root, errors);
    JsonNode list = r.requiredArray("available_updates");
    if (list != null && list.isEmpty()) {
      r.error("available_updates", "must not be empty; a server with nothing to offer answers 204");
    }
    String requestId = r.requiredString("request_id", Fields::requestId);
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    List<AvailableUpdate> offers = new ArrayList<>();
    List<RejectedOffer> rejected = new ArrayList<>();
    // Every update type named so far, valid entry or not: a client must never hold two offers,
    // or an offer and a rejection, for one update type.
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "available_updates[" + i + "]";
      JsonNode entry = list.get(i);
      List<FieldError> entryErrors = Nodes.errors();
      if (!entry.isObject()) {
        entryErrors.add(
            new FieldError(path, "must be a JSON object, got " + Nodes.describe(entry)));
        rejected.add(new RejectedOffer(i, null, null, entryErrors));
        continue;
      }
      AvailableUpdate offer = OfferJson.read(new Nodes(entry, path, entryErrors));
      String type = validTextOrNull(entry, "update_type", Fields::name);
      String version = validTextOrNull(entry, "version", Fields::version);
      if (type != null && !seen.add(type)) {
        entryErrors.add(
            new FieldError(
                path + ".update_type", "update type " + type + " is offered more than once"));
        offer = null;
      }
      if (offer == null) {
        rejected.add(new RejectedOffer(i, type, version, entryErrors));
      } else {
        offers.add(offer);
      }
    }
    return new UpdateResponse(offers, requestId, rejected);
  }

  private static String validTextOrNull(
      JsonNode entry, String field, Function<String, String> check) {
    JsonNode n = entry.get(field);
    if (n == null || !n.isTextual()) {
      return null;
    }
    return check.apply(n.textValue()) == null ? n.textValue() : null;
  }

  /**
   * Writes the body of {@code POST /v1/completion}. A failed outcome always carries its {@code
   * code}.
   *
   * @param report the report
   * @return the JSON document
   */
  public byte[] encodeCompletionReport(CompletionReport report) {
    Objects.requireNonNull(report, "report == null");
    ObjectNode root = Json.object();
    root.put("request_id", report.requestId());
    ObjectNode updates = root.putObject("updates");
    for (Map.Entry<String, Outcome> e : report.updates().entrySet()) {
      OutcomeJson.write(updates.putObject(e.getKey()), e.getValue());
    }
    return json.write(root);
  }

  /**
   * Reads an explanation of which releases a request is offered, the answer of the reference
   * server's {@code POST /v1/explain} (see {@link ServerCodec#encodeExplanation}). {@code
   * signed_by} and {@code signature_verified} are optional, since older servers leave them out:
   * absent, they read as no signatures and not verified.
   *
   * @param body the response body
   * @return the explanation
   * @throws ProtocolException listing every bad field
   */
  public Explanation decodeExplanation(byte[] body) {
    String doc = "explanation";
    JsonNode root = json.readObject(body, doc);
    List<FieldError> errors = Nodes.errors();
    Nodes r = Nodes.root(root, errors);
    String product = r.requiredString("product", Fields::name);
    ExplanationAccess build = ExplanationAccess.get();
    List<Explanation.Candidate> candidates = new ArrayList<>();
    JsonNode list = r.requiredArray("candidates");
    for (int i = 0; list != null && i < list.size(); i++) {
      String field = "candidates[" + i + "]";
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        r.error(field, "must be a JSON object, got " + Nodes.describe(entry));
        continue;
      }
      Nodes c = r.nested(field, entry);
      String type = c.requiredString("update_type", Fields::name);
      String version = c.requiredString("version", Fields::version);
      Boolean offered = c.requiredBoolean("offered");
      String reason = c.requiredString("reason", Fields::text);
      List<String> signedBy = new ArrayList<>();
      JsonNode ids = c.optionalArray("signed_by");
      for (int k = 0; ids != null && k < ids.size(); k++) {
        String id = c.string("signed_by[" + k + "]", ids.get(k), Fields::keyId);
        if (id != null) {
          signedBy.add(id);
        }
      }
      Boolean verified = c.optionalBoolean("signature_verified", false);
      if (type != null
          && version != null
          && offered != null
          && reason != null
          && verified != null) {
        candidates.add(build.candidate(type, version, offered, reason, signedBy, verified));
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    return build.explanation(product, candidates);
  }

  /**
   * Reads an {@code application/problem+json} body. Lenient as RFC 9457 (section 3.1) requires:
   * a member that is missing or whose value has the wrong type is ignored, as if absent. So a
   * {@code type} that is not a URI reference becomes {@code about:blank}, a missing title the
   * empty string, a {@code status} that is not an integer from 400 to 599 becomes {@code
   * fallbackStatus}, an {@code instance} that is not a URI reference null, and an entry of {@code
   * errors} that is not an object with a string {@code field} and a string {@code message} is
   * left out.
   *
   * @param body the response body
   * @param fallbackStatus the HTTP status the body came with, 400 to 599
   * @return the problem
   * @throws IllegalArgumentException if {@code fallbackStatus} is not 400 to 599
   * @throws ProtocolException if the body is not a JSON object or breaks a document rule
   *     (malformed JSON, a duplicate key, limits)
   */
  public Problem decodeProblem(byte[] body, int fallbackStatus) {
    if (fallbackStatus < 400 || fallbackStatus > 599) {
      throw new IllegalArgumentException(
          "fallbackStatus must be an error status from 400 to 599, got " + fallbackStatus);
    }
    JsonNode root = json.readObject(body, "problem document");
    URI type = uriOrNull(root.get("type"));
    String title = textOrNull(root.get("title"));
    JsonNode statusNode = root.get("status");
    int status =
        statusNode != null
                && statusNode.isInt()
                && statusNode.intValue() >= 400
                && statusNode.intValue() <= 599
            ? statusNode.intValue()
            : fallbackStatus;
    List<FieldError> fieldErrors = new ArrayList<>();
    JsonNode list = root.get("errors");
    if (list != null && list.isArray()) {
      for (JsonNode e : list) {
        String field = textOrNull(e.get("field"));
        String message = textOrNull(e.get("message"));
        if (field != null && message != null) {
          fieldErrors.add(new FieldError(field, message));
        }
      }
    }
    return Problem.builder(status, title == null ? "" : title)
        .type(type == null ? Problem.ABOUT_BLANK : type)
        .detail(textOrNull(root.get("detail")))
        .instance(uriOrNull(root.get("instance")))
        .errors(fieldErrors)
        .build();
  }

  private static String textOrNull(JsonNode n) {
    return n != null && n.isTextual() ? n.textValue() : null;
  }

  private static URI uriOrNull(JsonNode n) {
    String text = textOrNull(n);
    if (text == null) {
      return null;
    }
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
