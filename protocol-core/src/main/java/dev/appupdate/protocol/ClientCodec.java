package dev.appupdate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.internal.Json;
import dev.appupdate.protocol.internal.Nodes;
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
 * update responses and problem documents. Reading is as strict as {@link ServerCodec}, with two
 * deliberate leniencies: an invalid entry of {@code available_updates} does not fail the whole
 * response but is returned as a {@link RejectedOffer}, so the client can install the valid offers
 * and report the invalid one as failed; and a problem document may lack any member or hold one
 * of the wrong type, which is then ignored (RFC 9457).
 * Versions are always written as strings. Thread-safe.
 *
 * <pre>{@code
 * ClientCodec codec = ClientCodec.create();
 * byte[] body = codec.encodeUpdateRequest(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));
 * DecodedUpdateResponse response = codec.decodeUpdateResponse(answer);
 * }</pre>
 */
public final class ClientCodec {
  private final Json json;

  private ClientCodec(CodecLimits limits) {
    this.json = new Json(limits);
  }

  /** Returns a codec with {@link CodecLimits#defaults()}. */
  public static ClientCodec create() {
    return new ClientCodec(CodecLimits.defaults());
  }

  /** Returns a codec enforcing {@code limits}. */
  public static ClientCodec create(CodecLimits limits) {
    return new ClientCodec(Objects.requireNonNull(limits, "limits == null"));
  }

  /** Writes the body of {@code POST /v1/update}; the version is always written as a string. */
  public byte[] encodeUpdateRequest(UpdateRequest request) {
    Objects.requireNonNull(request, "request == null");
    ObjectNode root = Json.object();
    root.put("product", request.product());
    root.put("version", request.version());
    root.put("platform", request.platform());
    root.put("locale", request.locale());
    root.put("channel", request.channel());
    if (request.arch() != null) {
      root.put("arch", request.arch());
    }
    if (request.osVersion() != null) {
      root.put("os_version", request.osVersion());
    }
    if (request.installationId() != null) {
      root.put("installation_id", request.installationId());
    }
    if (!request.installed().isEmpty()) {
      ObjectNode installed = root.putObject("installed");
      request.installed().forEach(installed::put);
    }
    return json.write(root);
  }

  /**
   * Reads the body of a {@code 200} answer to {@code POST /v1/update}.
   *
   * <p>An entry of {@code available_updates} that is invalid, or that repeats the update type of
   * an earlier entry, is returned in {@link DecodedUpdateResponse#rejected()} instead of failing
   * the whole response.
   *
   * @return the valid offers and, separately, the entries that were invalid
   * @throws ProtocolException if the document itself is malformed: bad JSON, a missing or invalid
   *     {@code request_id}, or {@code available_updates} missing, not an array, or empty
   */
  public DecodedUpdateResponse decodeUpdateResponse(byte[] body) {
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
      AvailableUpdate offer = offer(new Nodes(entry, path, entryErrors));
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
    return new DecodedUpdateResponse(requestId, offers, rejected);
  }

  private static String validTextOrNull(
      JsonNode entry, String field, Function<String, String> check) {
    JsonNode n = entry.get(field);
    if (n == null || !n.isTextual()) {
      return null;
    }
    return check.apply(n.textValue()) == null ? n.textValue() : null;
  }

  private static AvailableUpdate offer(Nodes o) {
    String type = o.requiredString("update_type", Fields::name);
    String url = o.requiredString("url", Fields::httpUrl);
    String fn = o.requiredString("hash_function", Fields::hashFunction);
    HashFunction function = fn == null ? null : HashFunction.fromWireName(fn);
    String hash =
        o.requiredString(
            "hash_value",
            s -> function == null ? Fields.reportedHashValue(s) : Fields.hashValue(function, s));
    long size = o.requiredSize("size");
    // Servers always write versions as strings; only clients may send integers (seed protocol).
    String version = o.requiredString("version", Fields::version);
    List<URI> mirrors = new ArrayList<>();
    JsonNode m = o.optionalArray("mirrors");
    if (m != null) {
      for (int i = 0; i < m.size(); i++) {
        JsonNode n = m.get(i);
        String field = "mirrors[" + i + "]";
        if (!n.isTextual()) {
          o.error(field, "must be a string, got " + Nodes.describe(n));
          continue;
        }
        String problem = Fields.httpUrl(n.textValue());
        if (problem != null) {
          o.error(field, problem);
          continue;
        }
        mirrors.add(URI.create(n.textValue()));
      }
    }
    Boolean critical = o.optionalBoolean("critical", false);
    if (type == null || url == null || function == null || hash == null || size < 0
        || version == null || critical == null || o.hasErrors()) {
      return null;
    }
    return new AvailableUpdate(
        type, URI.create(url), function, hash, size, version, mirrors, critical);
  }

  /** Writes the body of {@code POST /v1/completion}. */
  public byte[] encodeCompletionReport(CompletionReport report) {
    Objects.requireNonNull(report, "report == null");
    ObjectNode root = Json.object();
    root.put("request_id", report.requestId());
    ObjectNode updates = root.putObject("updates");
    for (Map.Entry<String, Outcome> e : report.updates().entrySet()) {
      Outcome o = e.getValue();
      ObjectNode n = updates.putObject(e.getKey());
      n.put("status", o.status().wireName());
      n.put("version", o.version());
      if (o.reason() != null) {
        n.put("reason", o.reason());
      }
      if (o.hashFunction() != null) {
        n.put("hash_function", o.hashFunction().wireName());
      }
      if (o.hashValue() != null) {
        n.put("hash_value", o.hashValue());
      }
      if (o.size() != null) {
        n.put("size", o.size());
      }
    }
    return json.write(root);
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
   * @param fallbackStatus the HTTP status the body came with, 400 to 599
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
    return new Problem(
        type == null ? Problem.ABOUT_BLANK : type,
        title == null ? "" : title,
        status,
        textOrNull(root.get("detail")),
        uriOrNull(root.get("instance")),
        fieldErrors);
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
