package dev.appupdate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.internal.Json;
import dev.appupdate.protocol.internal.Nodes;
import dev.appupdate.protocol.internal.OfferJson;
import dev.appupdate.protocol.internal.OutcomeJson;
import dev.appupdate.protocol.internal.RequestJson;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server side of protocol v1's JSON: reads update requests and completion reports, writes
 * update responses and problem documents. Strict: duplicate keys, trailing content, nesting and
 * sizes over the {@link CodecLimits}, invalid UTF-8, wrong JSON types and non-integer numbers
 * where a version or size is expected are rejected with a {@link ProtocolException} listing every
 * bad field with its path. Unknown members are ignored, and an optional member whose value is
 * JSON null reads as absent. A version the client sends may be a string or a JSON integer (the
 * seed protocol's {@code "version": 666}), read as its decimal text. Thread-safe.
 *
 * <pre>{@code
 * ServerCodec codec = ServerCodec.create();
 * UpdateRequest request = codec.decodeUpdateRequest(body);       // throws ProtocolException
 * byte[] json = codec.encodeUpdateResponse(UpdateResponse.of(offers, requestId));
 * }</pre>
 */
public final class ServerCodec {
  private static final byte[] RESPONSE_START =
      "{\"available_updates\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESPONSE_ID =
      "],\"request_id\":\"".getBytes(StandardCharsets.US_ASCII);

  private final Json json;

  private ServerCodec(CodecLimits limits) {
    this.json = new Json(limits);
  }

  /**
   * Returns a codec with {@link CodecLimits#defaults()}.
   *
   * @return the codec
   */
  public static ServerCodec create() {
    return new ServerCodec(CodecLimits.defaults());
  }

  /**
   * Returns a codec enforcing {@code limits}.
   *
   * @param limits the bounds of every document read
   * @return the codec
   */
  public static ServerCodec create(CodecLimits limits) {
    return new ServerCodec(Objects.requireNonNull(limits, "limits == null"));
  }

  /**
   * Decides whether a request body's {@code Content-Type} is one protocol v1 accepts: {@code
   * application/json}, {@code application/*+json}, none, or {@code
   * application/x-www-form-urlencoded} (the seed protocol's "form POST", whose body is the JSON
   * document itself); each with no {@code charset} parameter or with {@code charset} {@code utf-8}
   * or {@code us-ascii}, compared case-insensitively, quoted or not. Other parameters are ignored,
   * but the parameter list must follow RFC 9110 ({@code ; name=token} or {@code ;
   * name="quoted"}, optional spaces around {@code ;}): an unclosed quoted string, a {@code "}
   * inside an unquoted value, text after a closing quote or a parameter without a value is
   * refused as malformed, since it could hide a charset. Check it before reading the body.
   *
   * <pre>{@code
   * Optional<Problem> refused = codec.checkContentType(request.getHeader("Content-Type"));
   * if (refused.isPresent()) {
   *   // answer refused.get(): 415, its detail naming the media type or charset
   * }
   * }</pre>
   *
   * @param contentType the value of the request's {@code Content-Type} header, or null when it
   *     has none
   * @return empty when accepted; otherwise the {@code 415 Unsupported Media Type} problem to
   *     answer, whose detail names the refused media type or charset, or starts with {@code
   *     malformed Content-Type} and says what is malformed
   */
  public Optional<Problem> checkContentType(String contentType) {
    String refusal = ContentTypes.refusal(contentType);
    return refusal == null
        ? Optional.empty()
        : Optional.of(Problem.of(415, "Unsupported Media Type", refusal));
  }

  /**
   * Reads the body of {@code POST /v1/update}.
   *
   * @param body the request body
   * @return the request
   * @throws ProtocolException listing every bad field
   */
  public UpdateRequest decodeUpdateRequest(byte[] body) {
    String doc = "update request";
    JsonNode root = json.readObject(body, doc);
    List<FieldError> errors = Nodes.errors();
    UpdateRequest request = RequestJson.read(Nodes.root(root, errors));
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    return request;
  }

  /**
   * Writes the body of a {@code 200} answer to {@code POST /v1/update}.
   *
   * @param response the offers and request id
   * @return the JSON document
   */
  public byte[] encodeUpdateResponse(UpdateResponse response) {
    Objects.requireNonNull(response, "response == null");
    String requestId = response.requestId();
    if (!writtenAsIs(requestId)) {
      return encodeTree(response);
    }
    // Only the request id differs between answers with the same offers: each offer's JSON is
    // written once and kept on the offer, and an answer is those bytes in the frame below,
    // byte for byte what writing the whole tree gives (UpdateResponseCodecTest compares them).
    List<AvailableUpdate> offers = response.availableUpdates();
    byte[][] parts = new byte[offers.size()][];
    int length = RESPONSE_START.length + RESPONSE_ID.length + requestId.length() + 2;
    for (int i = 0; i < parts.length; i++) {
      AvailableUpdate offer = offers.get(i);
      byte[] part = offer.json;
      if (part == null) {
        ObjectNode o = Json.object();
        OfferJson.write(o, offer);
        part = json.write(o);
        offer.json = part;
      }
      parts[i] = part;
      length += part.length + (i == 0 ? 0 : 1);
    }
    byte[] out = new byte[length];
    System.arraycopy(RESPONSE_START, 0, out, 0, RESPONSE_START.length);
    int at = RESPONSE_START.length;
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      System.arraycopy(parts[i], 0, out, at, parts[i].length);
      at += parts[i].length;
    }
    System.arraycopy(RESPONSE_ID, 0, out, at, RESPONSE_ID.length);
    at += RESPONSE_ID.length;
    for (int i = 0; i < requestId.length(); i++) {
      out[at++] = (byte) requestId.charAt(i);
    }
    out[at++] = '"';
    out[at] = '}';
    return out;
  }

  /** Whether JSON writes {@code s} as its characters, one byte each: printable ASCII, no escapes. */
  private static boolean writtenAsIs(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The whole answer as one JSON tree: for ids JSON must escape, and to check the fast path. */
  byte[] encodeTree(UpdateResponse response) {
    ObjectNode root = Json.object();
    ArrayNode list = root.putArray("available_updates");
    for (AvailableUpdate u : response.availableUpdates()) {
      OfferJson.write(list.addObject(), u);
    }
    root.put("request_id", response.requestId());
    return json.write(root);
  }

  /**
   * Reads the body of {@code POST /v1/completion}. A failed outcome without {@code code} (from a
   * client older than failure codes) gets the code its reason stands for ({@link
   * FailureCode#derivedFrom}), and a code this version does not know reads as {@link
   * FailureCode#OTHER}: neither is an error.
   *
   * @param body the request body
   * @return the report
   * @throws ProtocolException listing every bad field
   */
  public CompletionReport decodeCompletionReport(byte[] body) {
    String doc = "completion report";
    JsonNode root = json.readObject(body, doc);
    List<FieldError> errors = Nodes.errors();
    Nodes r = Nodes.root(root, errors);
    String requestId = r.requiredString("request_id", Fields::requestId);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    JsonNode updates = r.requiredObject("updates");
    if (updates != null) {
      if (updates.isEmpty()) {
        r.error("updates", "must hold at least one update_type");
      }
      Nodes u = r.nested("updates", updates);
      for (Iterator<String> it = updates.fieldNames(); it.hasNext(); ) {
        String type = it.next();
        String keyProblem = Fields.name(type);
        if (keyProblem != null) {
          u.keyError(type, "key " + keyProblem);
          continue;
        }
        JsonNode o = updates.get(type);
        if (!o.isObject()) {
          u.keyError(type, "must be a JSON object, got " + Nodes.describe(o));
          continue;
        }
        Outcome outcome = OutcomeJson.read(u.nestedKey(type, o));
        if (outcome != null) {
          outcomes.put(type, outcome);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    return CompletionReport.of(requestId, outcomes);
  }

  /**
   * Writes an explanation of which releases a request is offered, the body of the reference
   * server's {@code POST /v1/explain} (docs/PROTOCOL.md): {@code product} and {@code candidates},
   * each with {@code update_type}, {@code version}, {@code offered}, {@code reason} and {@code
   * signed_by} (the key ids of the release's signatures, an empty array when it has none), and
   * {@code signature_verified: true} when a trusted key's signature on the release was verified.
   *
   * @param explanation what {@link dev.appupdate.protocol.catalog.Matcher#explain} returned
   * @return the JSON document
   */
  public byte[] encodeExplanation(Explanation explanation) {
    Objects.requireNonNull(explanation, "explanation == null");
    ObjectNode root = Json.object();
    root.put("product", explanation.product());
    ArrayNode candidates = root.putArray("candidates");
    for (Explanation.Candidate c : explanation.candidates()) {
      ObjectNode o =
          candidates
              .addObject()
              .put("update_type", c.updateType())
              .put("version", c.version())
              .put("offered", c.offered())
              .put("reason", c.reason());
      ArrayNode signedBy = o.putArray("signed_by");
      c.signedBy().forEach(signedBy::add);
      if (c.signatureVerified()) {
        o.put("signature_verified", true);
      }
    }
    return json.write(root);
  }

  /**
   * Writes an {@code application/problem+json} body.
   *
   * @param problem the problem
   * @return the JSON document
   */
  public byte[] encodeProblem(Problem problem) {
    Objects.requireNonNull(problem, "problem == null");
    ObjectNode root = Json.object();
    root.put("type", problem.type().toString());
    root.put("title", problem.title());
    root.put("status", problem.status());
    if (problem.detail() != null) {
      root.put("detail", problem.detail());
    }
    if (problem.instance() != null) {
      root.put("instance", problem.instance().toString());
    }
    if (!problem.errors().isEmpty()) {
      ArrayNode list = root.putArray("errors");
      for (FieldError e : problem.errors()) {
        list.addObject().put("field", e.field()).put("message", e.message());
      }
    }
    return json.write(root);
  }
}
