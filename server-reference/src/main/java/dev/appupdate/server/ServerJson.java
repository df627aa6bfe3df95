package dev.appupdate.server;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.catalog.Explanation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The server's own JSON, apart from the protocol documents that {@code ServerCodec} handles: the
 * completion log's lines, the {@code /healthz} document and the {@code /v1/explain} document. The
 * one place Jackson is used here.
 */
final class ServerJson {
  private final ObjectMapper mapper =
      new ObjectMapper(
          new JsonFactoryBuilder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  /** Returns {@code record} as one line of JSON, ending with {@code '\n'}. */
  byte[] completionLine(CompletionRecord record) {
    ObjectNode o = mapper.createObjectNode();
    o.put("received_at", record.receivedAt().toString());
    o.put("request_id", record.requestId());
    o.put("product", record.product());
    o.put("issued_at", record.issuedAt().toString());
    o.put("update_type", record.updateType());
    Outcome outcome = record.outcome();
    o.put("status", outcome.status().wireName());
    o.put("version", outcome.version());
    if (outcome.reason() != null) {
      o.put("reason", outcome.reason());
    }
    if (outcome.hashFunction() != null) {
      o.put("hash_function", outcome.hashFunction().wireName());
    }
    if (outcome.hashValue() != null) {
      o.put("hash_value", outcome.hashValue());
    }
    if (outcome.size() != null) {
      o.put("size", outcome.size().longValue());
    }
    byte[] json = write(o);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /**
   * Reads one line of the completion log, without its {@code '\n'}.
   *
   * @throws IllegalArgumentException saying what is wrong with the line
   */
  CompletionRecord readCompletionLine(byte[] buffer, int offset, int length) {
    JsonNode o;
    try {
      o = mapper.readTree(buffer, offset, length);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    try {
      String hashFunction = optionalText(o, "hash_function");
      JsonNode size = o.get("size");
      if (size != null && !size.isNull() && !(size.isIntegralNumber() && size.canConvertToLong())) {
        throw new IllegalArgumentException("size: not an integer");
      }
      Outcome outcome =
          new Outcome(
              Outcome.Status.fromWireName(text(o, "status")),
              text(o, "version"),
              optionalText(o, "reason"),
              hashFunction == null ? null : HashFunction.fromWireName(hashFunction),
              optionalText(o, "hash_value"),
              size == null || size.isNull() ? null : size.longValue());
      return new CompletionRecord(
          Instant.parse(text(o, "received_at")),
          text(o, "request_id"),
          text(o, "product"),
          Instant.parse(text(o, "issued_at")),
          text(o, "update_type"),
          outcome);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time: " + e.getMessage(), e);
    }
  }

  /** Returns the {@code /healthz} document of a server whose completion log works. */
  byte[] health(CatalogHolder.State state) {
    ObjectNode o = mapper.createObjectNode();
    o.put("status", "ok");
    o.put("releases", state.catalog().releaseCount());
    o.put("catalog_loaded_at", state.catalog().loadedAt().toString());
    CatalogHolder.Failure failure = state.lastFailure();
    if (failure == null) {
      o.putNull("last_catalog_error");
      o.putNull("last_catalog_error_at");
    } else {
      o.put("last_catalog_error", failure.message());
      o.put("last_catalog_error_at", failure.at().toString());
    }
    o.put("completion_log", "ok");
    return write(o);
  }

  /** Returns the {@code /v1/explain} document. */
  byte[] explanation(Explanation explanation) {
    ObjectNode o = mapper.createObjectNode();
    o.put("product", explanation.product());
    ArrayNode candidates = o.putArray("candidates");
    for (Explanation.Candidate c : explanation.candidates()) {
      ObjectNode n = candidates.addObject();
      n.put("update_type", c.updateType());
      n.put("version", c.version());
      n.put("offered", c.offered());
      n.put("reason", c.reason());
    }
    return write(o);
  }

  private byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // Writing a tree of plain nodes to memory cannot fail short of a bug.
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode o, String field) {
    String value = optionalText(o, field);
    if (value == null) {
      throw new IllegalArgumentException(field + ": missing");
    }
    return value;
  }

  private static String optionalText(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(field + ": not a string");
    }
    return n.textValue();
  }
}
