package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The one place Jackson is configured: strict parsing into a tree under {@link CodecLimits}, and
 * writing trees. Every Jackson failure becomes a {@link ProtocolException} with a human message
 * and, where the parser knows it, the path of the offending member.
 */
public final class Json {
  /** Longest number literal, in characters; a version or size never needs more. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private final CodecLimits limits;
  private final JsonFactory factory;
  private final ObjectMapper mapper;

  /** Creates a parser/writer enforcing {@code limits}. */
  public Json(CodecLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits == null");
    this.factory =
        new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNameLength(limits.maxStringLength())
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxDocumentLength(limits.maxDocumentBytes())
                    .build())
            .build();
    // Floats stay exact BigDecimals with their trailing zeros, so a rejected 1.0 is reported as
    // "1.0" rather than as the integer-looking "1".
    this.mapper =
        new ObjectMapper(factory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
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
    JsonParser parser = null;
    try {
      parser = factory.createParser(bytes);
      JsonNode node = mapper.readTree(parser);
      if (node == null || node.isMissingNode()) {
        throw fail(document, "$", "body holds no JSON value; expected a JSON object");
      }
      if (!node.isObject()) {
        throw fail(document, "$", "must be a JSON object, got " + Nodes.describe(node));
      }
      requireEnd(parser, document);
      return node;
    } catch (StreamConstraintsException e) {
      String m = String.valueOf(e.getOriginalMessage());
      boolean key = m.contains("Name length");
      throw fail(document, path(parser, !key), constraintMessage(m));
    } catch (JsonProcessingException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.startsWith("Duplicate field ")) {
        throw fail(document, path(parser, true), "duplicate key" + where(e.getLocation()));
      }
      if (m.contains("end-of-input") || m.contains("End-of-input")) {
        throw fail(document, "$", "JSON ends too early" + where(e.getLocation()));
      }
      throw fail(document, "$", "malformed JSON" + where(e.getLocation()));
    } catch (IOException e) {
      // Reading from a byte array does no I/O; only a parser bug gets here.
      throw fail(document, "$", "unreadable JSON");
    } finally {
      close(parser);
    }
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
      // Each element is read out of the middle of the stream, so what follows it is not
      // "trailing"; JsonStream checks the end of the whole document itself.
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

  /** The human message for a limit a streamed document broke. */
  String constraintMessage(StreamConstraintsException e) {
    return constraintMessage(String.valueOf(e.getOriginalMessage()));
  }

  /** The human message for a syntax error in a streamed document. */
  static String syntaxMessage(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.startsWith("Duplicate field '")) {
      int end = m.indexOf('\'', 17);
      String name = end > 17 ? m.substring(17, end) : "?";
      return "duplicate key " + Fields.quote(name) + where(e.getLocation());
    }
    if (m.contains("end-of-input") || m.contains("End-of-input")) {
      return "JSON ends too early" + where(e.getLocation());
    }
    return "malformed JSON" + where(e.getLocation());
  }

  /** Anything but whitespace after the document, even something that is not JSON, is refused. */
  private static void requireEnd(JsonParser parser, String document) {
    JsonToken next;
    try {
      next = parser.nextToken();
    } catch (IOException e) {
      JsonLocation at = e instanceof JsonProcessingException
          ? ((JsonProcessingException) e).getLocation()
          : null;
      throw fail(document, "$", "unexpected content after the JSON document" + where(at));
    }
    if (next != null) {
      throw fail(
          document,
          "$",
          "unexpected content after the JSON document" + where(parser.currentTokenLocation()));
    }
  }

  private String constraintMessage(String m) {
    if (m.contains("nesting depth")) {
      return "nested deeper than " + limits.maxNestingDepth() + " levels";
    }
    if (m.contains("Number value length") || m.contains("number length")) {
      return "number is longer than " + MAX_NUMBER_LENGTH + " characters";
    }
    if (m.contains("Name length")) {
      return "a key is longer than " + limits.maxStringLength() + " characters";
    }
    if (m.contains("String value length")) {
      return "string is longer than " + limits.maxStringLength() + " characters";
    }
    return "document is longer than " + limits.maxDocumentBytes() + " bytes";
  }

  /**
   * Returns the path of where the parser stopped, in {@link FieldError} notation; with {@code
   * withName} false, the path of the enclosing object rather than of its current member.
   */
  private static String path(JsonParser parser, boolean withName) {
    if (parser == null) {
      return "$";
    }
    Deque<String> segments = new ArrayDeque<>();
    JsonStreamContext c = parser.getParsingContext();
    boolean innermost = true;
    for (; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        String name = c.getCurrentName();
        if (name != null && (withName || !innermost)) {
          segments.push("." + name);
        }
      } else if (c.inArray() && c.hasCurrentIndex()) {
        segments.push("[" + c.getCurrentIndex() + "]");
      }
      innermost = false;
    }
    String p = String.join("", segments);
    if (p.isEmpty()) {
      return "$";
    }
    return p.startsWith(".") ? p.substring(1) : p;
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0
        ? ""
        : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static void close(JsonParser parser) {
    if (parser == null) {
      return;
    }
    try {
      parser.close();
    } catch (IOException e) {
      // Closing a parser over a byte array releases buffers only; nothing can be lost.
    }
  }

  /** Returns a {@link ProtocolException} with one error. */
  public static ProtocolException fail(String document, String field, String message) {
    return new ProtocolException(document, List.of(new FieldError(field, message)));
  }
}
