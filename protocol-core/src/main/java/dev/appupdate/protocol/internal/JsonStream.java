package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.protocol.ProtocolException;
import java.io.IOException;

/**
 * Pulls a document that is one JSON object member by member, so that a large array member can be
 * read one element tree at a time instead of as one tree of the whole document. Created by {@link
 * Json#stream}; every failure is a {@link ProtocolException}, on field {@code $} except for a
 * number out of range, which names its path. Not thread-safe.
 *
 * <pre>{@code
 * JsonStream in = json.stream(bytes, "catalog");
 * in.beginObject();
 * for (String key = in.nextKey(); key != null; key = in.nextKey()) {
 *   if (key.equals("items") && in.atArray()) {
 *     while (in.nextElement()) {
 *       JsonNode item = in.readValue();
 *     }
 *   } else {
 *     in.skipValue();
 *   }
 * }
 * in.end();
 * }</pre>
 */
public final class JsonStream {
  private final Json json;
  private final JsonParser parser;
  private final String document;

  JsonStream(Json json, JsonParser parser, String document) {
    this.json = json;
    this.parser = parser;
    this.document = document;
  }

  /** Enters the root object. */
  public void beginObject() {
    JsonToken t = next();
    if (t == null) {
      throw Json.fail(document, "$", "body holds no JSON value; expected a JSON object");
    }
    if (t != JsonToken.START_OBJECT) {
      throw Json.fail(document, "$", "must be a JSON object, got " + skipAndDescribe());
    }
  }

  /**
   * Moves to the next member of the current object and onto its value.
   *
   * @return the member's key, or null when the object has ended
   */
  public String nextKey() {
    JsonToken t = next();
    if (t == JsonToken.END_OBJECT) {
      return null;
    }
    try {
      String key = parser.currentName();
      next();
      return key;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Returns true if the value at hand is an array. */
  public boolean atArray() {
    return parser.currentToken() == JsonToken.START_ARRAY;
  }

  /** Returns true if the value at hand is an object. */
  public boolean atObject() {
    return parser.currentToken() == JsonToken.START_OBJECT;
  }

  /** Returns true if the value at hand is a string. */
  public boolean atString() {
    return parser.currentToken() == JsonToken.VALUE_STRING;
  }

  /**
   * Returns the string at hand (see {@link #atString}) as {@link #readValue} would hold it, and
   * under the same length limit, without building a node.
   */
  public String text() {
    try {
      return parser.getText();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Returns true if the value at hand is JSON {@code null}. */
  public boolean atNull() {
    return parser.currentToken() == JsonToken.VALUE_NULL;
  }

  /**
   * Moves to the next element of the array at hand.
   *
   * @return false when the array has ended
   */
  public boolean nextElement() {
    return next() != JsonToken.END_ARRAY;
  }

  /**
   * Reads the value at hand, an element or a member value, as a tree.
   *
   * @throws ProtocolException for a number out of range, on the path of the number
   */
  public JsonNode readValue() {
    try {
      return json.tree(parser, document);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Skips the value at hand without building it. */
  public void skipValue() {
    try {
      parser.skipChildren();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * Skips the value at hand and describes it for a message the way {@link Nodes#describe} does,
   * without building a tree of a large object or array.
   */
  public String skipAndDescribe() {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      skipValue();
      return t == JsonToken.START_OBJECT ? "an object" : "an array";
    }
    return Nodes.describe(readValue());
  }

  /** Checks that nothing but whitespace follows the root object. */
  public void end() {
    if (next() != null) {
      throw Json.fail(
          document,
          "$",
          "unexpected content after the JSON document at line "
              + parser.currentLocation().getLineNr()
              + ", column "
              + parser.currentLocation().getColumnNr());
    }
  }

  private JsonToken next() {
    try {
      return parser.nextToken();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private ProtocolException failure(IOException e) {
    if (e instanceof StreamConstraintsException) {
      return Json.fail(document, "$", json.constraintMessage((StreamConstraintsException) e));
    }
    if (e instanceof JsonProcessingException) {
      return Json.fail(document, "$", Json.syntaxMessage((JsonProcessingException) e));
    }
    return Json.fail(document, "$", "unreadable JSON");
  }
}
