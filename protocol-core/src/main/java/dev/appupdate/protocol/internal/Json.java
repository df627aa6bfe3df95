package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The one place Jackson is configured: strict parsing into a tree under {@link CodecLimits}, and
 * writing trees. Every Jackson failure becomes a {@link ProtocolException} with a human message.
 */
public final class Json {
  private final CodecLimits limits;
  private final ObjectMapper mapper;

  /** Creates a parser/writer enforcing {@code limits}. */
  public Json(CodecLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits == null");
    JsonFactory factory =
        new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNameLength(limits.maxStringLength())
                    .maxNumberLength(100)
                    .maxDocumentLength(limits.maxDocumentBytes())
                    .build())
            .build();
    this.mapper =
        new ObjectMapper(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }

  /** Returns a new empty object node for writing. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Writes {@code node} as compact UTF-8 JSON. */
  public byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // Writing a tree of plain nodes cannot fail short of a bug.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses {@code bytes} as one JSON object.
   *
   * @param document what is being read, for messages, for example {@code update request}
   * @throws ProtocolException if the bytes are not exactly one strict JSON object within limits
   */
  public JsonNode readObject(byte[] bytes, String document) {
    checkBytes(bytes, document);
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw fail(document, "$", constraintMessage(e));
    } catch (JsonProcessingException e) {
      throw fail(document, "$", syntaxMessage(e));
    } catch (IOException e) {
      throw fail(document, "$", "unreadable JSON");
    }
    if (node == null || node.isMissingNode()) {
      throw fail(document, "$", "body holds no JSON value; expected a JSON object");
    }
    if (!node.isObject()) {
      throw fail(document, "$", "must be a JSON object, got " + Nodes.describe(node));
    }
    return node;
  }

  /**
   * Opens {@code bytes} for streaming, for documents too large to hold as one tree. The same
   * limits and strictness as {@link #readObject} apply; see {@link JsonStream}.
   *
   * @param document what is being read, for messages, for example {@code catalog}
   * @throws ProtocolException if the bytes are empty, over the size limit or not UTF-8
   */
  public JsonStream stream(byte[] bytes, String document) {
    checkBytes(bytes, document);
    try {
      // The mapper refuses trailing tokens after a value, which is right for a whole document
      // but wrong for one element read out of the middle of a stream.
      return new JsonStream(
          this,
          mapper.readerFor(JsonNode.class)
              .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
          mapper.createParser(bytes),
          document);
    } catch (IOException e) {
      throw fail(document, "$", "unreadable JSON");
    }
  }

  private void checkBytes(byte[] bytes, String document) {
    Objects.requireNonNull(bytes, "bytes == null");
    if (bytes.length == 0) {
      throw fail(document, "$", "body is empty; expected a JSON object");
    }
    if (bytes.length > limits.maxDocumentBytes()) {
      throw fail(
          document,
          "$",
          "document is " + bytes.length + " bytes, more than the limit of "
              + limits.maxDocumentBytes());
    }
    int bad = Utf8.firstInvalid(bytes);
    if (bad >= 0) {
      throw fail(document, "$", "invalid UTF-8 at byte offset " + bad);
    }
  }

  String constraintMessage(StreamConstraintsException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("nesting depth")) {
      return "nesting deeper than " + limits.maxNestingDepth() + " levels";
    }
    if (m.contains("Number value length") || m.contains("number length")) {
      return "a number is longer than 100 digits";
    }
    if (m.contains("Name length")) {
      return "a key is longer than " + limits.maxStringLength() + " characters";
    }
    if (m.contains("String value length")) {
      return "a string is longer than " + limits.maxStringLength() + " characters";
    }
    if (m.contains("Document length")) {
      return "document is longer than " + limits.maxDocumentBytes() + " bytes";
    }
    return "document exceeds a size limit";
  }

  static String syntaxMessage(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    JsonLocation loc = e.getLocation();
    String where =
        loc == null || loc.getLineNr() < 0
            ? ""
            : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    if (m.startsWith("Duplicate field '")) {
      int end = m.indexOf('\'', 17);
      String name = end > 17 ? m.substring(17, end) : "?";
      return "duplicate key " + Fields.quote(name) + where;
    }
    if (m.contains("Trailing token") || m.contains("trailing token")) {
      return "unexpected content after the JSON document" + where;
    }
    if (m.contains("end-of-input") || m.contains("End-of-input")) {
      return "JSON ends too early" + where;
    }
    if (m.contains("Invalid UTF-8")) {
      return "invalid UTF-8" + where;
    }
    return "malformed JSON" + where;
  }

  /** Returns a {@link ProtocolException} with one error. */
  public static ProtocolException fail(String document, String field, String message) {
    return new ProtocolException(document, List.of(new FieldError(field, message)));
  }
}
