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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The one place Jackson is configured: strict parsing into a tree under {@link CodecLimits}, and
 * writing trees. Every Jackson failure becomes a {@link ProtocolException} with a human message
 * and, where the parser knows it, the path of the offending member.
 *
 * <p>Trees are built here rather than by Jackson's tree deserializer so that a number with a
 * fraction or exponent keeps the text it was written as (a rejected {@code 1e2} is reported as
 * {@code 1e2}, not {@code 1E+2}), and so that a number no {@link BigDecimal} can hold, such as
 * {@code 1e99999999999}, is a {@link ProtocolException} rather than a {@link
 * NumberFormatException}.
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
    this.mapper = new ObjectMapper(factory);
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
      if (parser.nextToken() == null) {
        throw fail(document, "$", "body holds no JSON value; expected a JSON object");
      }
      JsonNode node = tree(parser, document);
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
      return new JsonStream(this, factory.createParser(bytes), document);
    } catch (IOException e) {
      throw fail(document, "$", "unreadable JSON");
    }
  }

  /**
   * Opens {@code in} for streaming, as {@link #stream(byte[], String)} opens an array, without
   * holding the document: for catalogs read from a file. The caller checks the size and the UTF-8
   * (through a {@link Utf8InputStream}), and closes {@code in}; the parser never does, so that the
   * rest of the stream can still be read to check it.
   *
   * @param document what is being read, for messages, for example {@code catalog}
   * @throws ProtocolException if the stream cannot be opened as JSON
   */
  public JsonStream stream(InputStream in, String document) {
    Objects.requireNonNull(in, "in == null");
    try {
      JsonParser parser = factory.createParser(in);
      parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      return new JsonStream(this, parser, document);
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
    int bad = Utf8.firstRejected(bytes);
    if (bad >= 0 && bytes[bad] == 0) {
      throw fail(
          document,
          "$",
          "NUL byte at byte offset " + bad + ": the document must be UTF-8, not UTF-16 or UTF-32");
    }
    if (bad >= 0) {
      throw fail(document, "$", "invalid UTF-8 at byte offset " + bad);
    }
  }

  /**
   * Reads the value at the parser's current token, which must be the start of a value, as a tree,
   * leaving the parser on the value's last token. Iterative, so that no nesting depth a {@link
   * CodecLimits} allows can exhaust the stack.
   *
   * @throws ProtocolException for a number out of the range of {@link BigDecimal}
   */
  JsonNode tree(JsonParser p, String document) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return scalar(p, t, document);
    }
    ContainerNode<?> root = container(t);
    Deque<ContainerNode<?>> open = new ArrayDeque<>();
    open.push(root);
    while (!open.isEmpty()) {
      ContainerNode<?> parent = open.peek();
      String name = null;
      if (parent.isObject()) {
        name = p.nextFieldName();
        t = name == null ? p.currentToken() : p.nextToken();
      } else {
        t = p.nextToken();
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        open.pop();
        continue;
      }
      if (t == null) {
        // The parser reports a document that ends inside a value before returning null.
        throw fail(document, "$", "JSON ends too early");
      }
      boolean nested = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
      JsonNode value = nested ? container(t) : scalar(p, t, document);
      if (name != null) {
        ((ObjectNode) parent).set(name, value);
      } else {
        ((ArrayNode) parent).add(value);
      }
      if (nested) {
        open.push((ContainerNode<?>) value);
      }
    }
    return root;
  }

  private static ContainerNode<?> container(JsonToken start) {
    return start == JsonToken.START_OBJECT
        ? JsonNodeFactory.instance.objectNode()
        : JsonNodeFactory.instance.arrayNode();
  }

  private static JsonNode scalar(JsonParser p, JsonToken t, String document) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (t) {
      case VALUE_STRING:
        return nodes.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return nodes.numberNode(p.getIntValue());
          case LONG:
            return nodes.numberNode(p.getLongValue());
          default:
            return nodes.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        String text = p.getText();
        try {
          return new WrittenDecimalNode(new BigDecimal(text), text);
        } catch (NumberFormatException e) {
          // Only an exponent beyond the int range gets here: the literal is valid JSON.
          throw fail(
              document, path(p, true), "number out of range" + where(p.currentTokenLocation()));
        }
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        throw new IllegalStateException("no JSON value starts with " + t);
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
      return "a key is longer than " + limits.maxStringLength() + " UTF-16 code units";
    }
    if (m.contains("String value length")) {
      return "string is longer than " + limits.maxStringLength() + " UTF-16 code units";
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
    List<JsonStreamContext> contexts = new ArrayList<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); ) {
      contexts.add(c);
      c = c.getParent();
    }
    String p = "";
    for (int i = contexts.size() - 1; i >= 0; i--) {
      JsonStreamContext c = contexts.get(i);
      if (c.inObject()) {
        String name = c.getCurrentName();
        if (name != null && (withName || i > 0)) {
          p = Nodes.memberPath(p, name);
        }
      } else if (c.inArray() && c.hasCurrentIndex()) {
        p = p + "[" + c.getCurrentIndex() + "]";
      }
    }
    return p.isEmpty() ? "$" : p;
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
