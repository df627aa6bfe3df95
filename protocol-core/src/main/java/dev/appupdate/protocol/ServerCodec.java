package dev.appupdate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.internal.Json;
import dev.appupdate.protocol.internal.Nodes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * byte[] json = codec.encodeUpdateResponse(new UpdateResponse(offers, requestId));
 * }</pre>
 */
public final class ServerCodec {
  private final Json json;

  private ServerCodec(CodecLimits limits) {
    this.json = new Json(limits);
  }

  /** Returns a codec with {@link CodecLimits#defaults()}. */
  public static ServerCodec create() {
    return new ServerCodec(CodecLimits.defaults());
  }

  /** Returns a codec enforcing {@code limits}. */
  public static ServerCodec create(CodecLimits limits) {
    return new ServerCodec(Objects.requireNonNull(limits, "limits == null"));
  }

  /**
   * Reads the body of {@code POST /v1/update}.
   *
   * @throws ProtocolException listing every bad field
   */
  public UpdateRequest decodeUpdateRequest(byte[] body) {
    String doc = "update request";
    JsonNode root = json.readObject(body, doc);
    List<FieldError> errors = Nodes.errors();
    Nodes r = Nodes.root(root, errors);
    String product = r.requiredString("product", Fields::name);
    String version = r.requiredVersion("version");
    String platform = r.requiredString("platform", s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    String locale = r.requiredString("locale", Fields::locale);
    String channel = r.optionalString("channel", Fields::name);
    String arch = r.optionalString("arch", s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    String osVersion = r.optionalVersion("os_version");
    String installationId = r.optionalString("installation_id", Fields::name);
    Map<String, String> installed = new LinkedHashMap<>();
    JsonNode inst = r.optionalObject("installed");
    if (inst != null) {
      Nodes in = r.nested("installed", inst);
      for (Iterator<String> it = inst.fieldNames(); it.hasNext(); ) {
        String type = it.next();
        String keyProblem = Fields.name(type);
        if (keyProblem != null) {
          in.keyError(type, "key " + keyProblem);
          continue;
        }
        String v = in.keyVersion(type, inst.get(type));
        if (v != null) {
          installed.put(type, v);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    return new UpdateRequest(
        product,
        version,
        platform,
        locale,
        channel == null ? UpdateRequest.DEFAULT_CHANNEL : channel,
        arch,
        osVersion,
        installationId,
        installed);
  }

  /** Writes the body of a {@code 200} answer to {@code POST /v1/update}. */
  public byte[] encodeUpdateResponse(UpdateResponse response) {
    Objects.requireNonNull(response, "response == null");
    ObjectNode root = Json.object();
    ArrayNode list = root.putArray("available_updates");
    for (AvailableUpdate u : response.availableUpdates()) {
      ObjectNode o = list.addObject();
      o.put("update_type", u.updateType());
      o.put("url", u.url().toString());
      o.put("hash_function", u.hashFunction().wireName());
      o.put("hash_value", u.hashValue());
      o.put("size", u.size());
      o.put("version", u.version());
      if (!u.mirrors().isEmpty()) {
        ArrayNode m = o.putArray("mirrors");
        u.mirrors().forEach(uri -> m.add(uri.toString()));
      }
      if (u.critical()) {
        o.put("critical", true);
      }
    }
    root.put("request_id", response.requestId());
    return json.write(root);
  }

  /**
   * Reads the body of {@code POST /v1/completion}.
   *
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
        Outcome outcome = outcome(u.nestedKey(type, o), errors);
        if (outcome != null) {
          outcomes.put(type, outcome);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(doc, errors);
    }
    return new CompletionReport(requestId, outcomes);
  }

  private static Outcome outcome(Nodes o, List<FieldError> errors) {
    int before = errors.size();
    Outcome.Status status = null;
    String statusText =
        o.requiredString(
            "status",
            s -> {
              try {
                Outcome.Status.fromWireName(s);
                return null;
              } catch (IllegalArgumentException e) {
                return e.getMessage();
              }
            });
    if (statusText != null) {
      status = Outcome.Status.fromWireName(statusText);
    }
    String version = o.requiredVersion("version");
    String reason = o.optionalString("reason", Fields::text);
    if (status == Outcome.Status.FAILED && o.raw("reason") == null) {
      o.error("reason", "is required when status is failed");
    }
    if (status == Outcome.Status.SUCCESS) {
      // A reason on success carries no meaning; drop it rather than refuse the whole report.
      reason = null;
    }
    HashFunction function = null;
    String fn = o.optionalString("hash_function", Fields::hashFunction);
    if (fn != null) {
      function = HashFunction.fromWireName(fn);
    }
    // What the client saw may be anything, even a digest of the wrong length: keep it as evidence.
    String hashValue = o.optionalString("hash_value", Fields::reportedHashValue);
    Long size = o.optionalSize("size");
    if (errors.size() != before) {
      return null;
    }
    return new Outcome(status, version, reason, function, hashValue, size);
  }

  /** Writes an {@code application/problem+json} body. */
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
