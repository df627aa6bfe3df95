package dev.appupdate.server;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Nodes;
import dev.appupdate.protocol.internal.OutcomeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The server's own JSON, apart from the documents that {@code ServerCodec} handles: the completion
 * log's lines, whose outcome members protocol-core maps ({@code OutcomeJson}), and the {@code
 * /healthz} document. The one place Jackson is used here.
 */
final class ServerJson {
  /** The member of a completion line holding the client's version text, when not canonical. */
  static final String REPORTED_VERSION = "reported_version";

  private final ObjectMapper mapper =
      new ObjectMapper(
          new JsonFactoryBuilder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              // A character outside the BMP (an emoji) as its 4 UTF-8 bytes, not as two 6-byte
              // escapes of its surrogates: a reason of 255 emoji takes 1 KiB, not 3.
              .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
              .build());

  /**
   * Returns {@code record} as one line of JSON, ending with {@code '\n'}. The outcome's members are
   * written as a completion report carries them, except that {@code version} is the {@linkplain
   * Version#canonical() canonical} spelling, so that one search finds every record of a version
   * however clients spelled it; when the client's text differs, it is kept in {@code
   * reported_version}.
   */
  byte[] completionLine(CompletionRecord record) {
    ObjectNode o = mapper.createObjectNode();
    o.put("received_at", record.receivedAt().toString());
    o.put("request_id", record.requestId());
    o.put("product", record.product());
    o.put("issued_at", record.issuedAt().toString());
    o.put("update_type", record.updateType());
    if (record.installation() != null) {
      o.put("installation", record.installation());
    }
    Outcome outcome = record.outcome();
    OutcomeJson.write(o, outcome);
    String canonical = Version.parse(outcome.version()).canonical();
    if (!canonical.equals(outcome.version())) {
      o.put("version", canonical);
      o.put(REPORTED_VERSION, outcome.version());
    }
    byte[] json = write(o);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /**
   * Reads one line of the completion log, without its {@code '\n'}. Lines of servers older than
   * failure codes, without {@code code} or {@code reported_version}, read as their reports would.
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
    JsonNode reported = o.get(REPORTED_VERSION);
    if (reported != null && reported.isTextual()) {
      // The outcome holds the client's text; the canonical one is derived from it.
      ((ObjectNode) o).set("version", reported);
    }
    List<FieldError> errors = Nodes.errors();
    Outcome outcome = OutcomeJson.read(Nodes.root(o, errors));
    if (outcome == null) {
      throw new IllegalArgumentException(
          errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    try {
      return new CompletionRecord(
          Instant.parse(text(o, "received_at")),
          text(o, "request_id"),
          text(o, "product"),
          Instant.parse(text(o, "issued_at")),
          text(o, "update_type"),
          outcome,
          optionalText(o, "installation"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the {@code /healthz} document: {@code status} is {@code ok}, or {@code degraded} while
   * the completion store is not ok, whose state {@code completion_store} gives; {@code halted}
   * lists the halted releases.
   */
  byte[] health(
      CatalogHolder.State state,
      CompletionStore.StoreHealth store,
      Map<CatalogHolder.HaltKey, CompletionStore.HaltEvent> halted) {
    ObjectNode o = mapper.createObjectNode();
    o.put("status", store.status() == CompletionStore.StoreHealth.Status.OK ? "ok" : "degraded");
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
    ObjectNode s = o.putObject("completion_store");
    s.put("status", store.status().name().toLowerCase(Locale.ROOT));
    if (store.reason() == null) {
      s.putNull("reason");
    } else {
      s.put("reason", store.reason());
    }
    ArrayNode halts = o.putArray("halted");
    halted.forEach(
        (k, e) -> {
          ObjectNode h = halts.addObject();
          h.put("product", k.product());
          h.put("update_type", k.updateType());
          h.put("version", k.version());
          h.put("at", e.at().toString());
          h.put("actor", e.actor());
          h.put("detail", e.detail());
        });
    return write(o);
  }

  /** Returns {@code event} as one line of {@code halts.jsonl}, ending with {@code '\n'}. */
  byte[] haltLine(CompletionStore.HaltEvent event) {
    ObjectNode o = mapper.createObjectNode();
    o.put("at", event.at().toString());
    o.put("product", event.product());
    o.put("update_type", event.updateType());
    o.put("version", event.version());
    o.put("halted", event.halted());
    o.put("actor", event.actor());
    if (event.detail() == null) {
      o.putNull("detail");
    } else {
      o.put("detail", event.detail());
    }
    byte[] json = write(o);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }

  /**
   * Reads one line of {@code halts.jsonl}, without its {@code '\n'}.
   *
   * @throws IllegalArgumentException saying what is wrong with the line
   */
  CompletionStore.HaltEvent readHaltLine(byte[] line) {
    JsonNode o;
    try {
      o = mapper.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode halted = o.get("halted");
    if (halted == null || !halted.isBoolean()) {
      throw new IllegalArgumentException("halted: not a boolean");
    }
    try {
      return new CompletionStore.HaltEvent(
          Instant.parse(text(o, "at")),
          text(o, "product"),
          text(o, "update_type"),
          text(o, "version"),
          halted.booleanValue(),
          text(o, "actor"),
          optionalText(o, "detail"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time: " + e.getMessage(), e);
    }
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
