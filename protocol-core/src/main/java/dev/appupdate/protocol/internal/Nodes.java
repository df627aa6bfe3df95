package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.protocol.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads typed members out of a JSON object, collecting a {@link FieldError} per bad member
 * instead of stopping at the first, so a caller can report every problem at once.
 *
 * <p>An optional member whose value is JSON {@code null} reads as absent: many serializers write
 * null for an unset optional field. A required member that is null is a wrong type.
 *
 * <p>Paths follow docs/PROTOCOL.md, "Field paths": member names joined with {@code .}, array
 * elements as {@code [index]}, and a member name that is not a {@linkplain #memberPath plain
 * name} written quoted in brackets, {@code installed["a.b"]}.
 */
public final class Nodes {
  private final JsonNode object;
  private final String path;
  private final List<FieldError> errors;

  /**
   * Creates a reader.
   *
   * @param object the object to read
   * @param path the path of the object, or "" for the document root
   * @param errors where problems are added
   */
  public Nodes(JsonNode object, String path, List<FieldError> errors) {
    this.object = object;
    this.path = path;
    this.errors = errors;
  }

  /** Returns a reader for the whole document. */
  public static Nodes root(JsonNode object, List<FieldError> errors) {
    return new Nodes(object, "", errors);
  }

  /**
   * Returns the path of member {@code key} of the object at {@code parent}: {@code parent.key}
   * (just {@code key} at the root) when the key is a plain name of 1 to 128 ASCII letters, digits,
   * {@code _} and {@code -}; otherwise {@code parent["key"]}, the key quoted as {@link
   * Fields#quote} does (escaped, and cut after 77 characters), so that a path never holds a dot,
   * control character or unbounded text that is not its own.
   */
  public static String memberPath(String parent, String key) {
    if (isPlain(key)) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
    return parent + "[" + Fields.quote(key) + "]";
  }

  private static boolean isPlain(String key) {
    int n = key.length();
    if (n == 0 || n > Fields.MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the path of {@code field} within the document.
   *
   * @param field a member name written in code, optionally followed by array indexes, such as
   *     {@code mirrors[0]}; a key read from the document goes through {@link #keyPath}
   */
  public String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** Returns the path of the member named {@code key} as read from the document. */
  public String keyPath(String key) {
    return memberPath(path, key);
  }

  /** Adds an error for {@code field}, a name written in code (see {@link #path}). */
  public void error(String field, String message) {
    errors.add(new FieldError(path(field), message));
  }

  /** Adds an error for the member named {@code key} as read from the document. */
  public void keyError(String key, String message) {
    errors.add(new FieldError(keyPath(key), message));
  }

  /** Returns true if any error has been collected in the shared list. */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Returns how many errors the shared list holds, to tell whether a step added any. */
  public int errorCount() {
    return errors.size();
  }

  /** Returns the node of {@code field}, or null when absent or JSON null. */
  public JsonNode raw(String field) {
    JsonNode n = object.get(field);
    return n == null || n.isNull() ? null : n;
  }

  /** Returns the node of a required {@code field}; null (with an error) when absent. */
  private JsonNode required(String field) {
    JsonNode n = object.get(field);
    if (n == null) {
      error(field, "is required");
    }
    return n;
  }

  /** Reads a required string checked by {@code check}; null (with an error) when bad. */
  public String requiredString(String field, Function<String, String> check) {
    JsonNode n = required(field);
    return n == null ? null : string(field, n, check);
  }

  /** Reads an optional string checked by {@code check}; null when absent or bad. */
  public String optionalString(String field, Function<String, String> check) {
    JsonNode n = raw(field);
    return n == null ? null : string(field, n, check);
  }

  /**
   * Reads the string {@code n} at {@code field}, such as an array element, checked by {@code
   * check}; null (with an error) when bad.
   */
  public String string(String field, JsonNode n, Function<String, String> check) {
    if (!n.isTextual()) {
      error(field, "must be a string, got " + describe(n));
      return null;
    }
    String s = n.textValue();
    String problem = check.apply(s);
    if (problem != null) {
      error(field, problem);
      return null;
    }
    return s;
  }

  /**
   * Reads a required version that a client sent: a string, or a JSON integer read as its decimal
   * text (the seed protocol sent {@code "version": 666}). Null (with an error) when bad.
   */
  public String requiredVersion(String field) {
    JsonNode n = required(field);
    return n == null ? null : version(field, n);
  }

  /** Reads an optional version like {@link #requiredVersion}; null when absent or bad. */
  public String optionalVersion(String field) {
    JsonNode n = raw(field);
    return n == null ? null : version(field, n);
  }

  /** Reads {@code n}, the value of {@code field}, as a version like {@link #requiredVersion}. */
  public String version(String field, JsonNode n) {
    return versionAt(path(field), n);
  }

  /**
   * Reads {@code n}, the value of the member named {@code key} as read from the document, as a
   * version like {@link #requiredVersion}.
   */
  public String keyVersion(String key, JsonNode n) {
    return versionAt(keyPath(key), n);
  }

  private String versionAt(String fullPath, JsonNode n) {
    String text;
    if (n.isTextual()) {
      text = n.textValue();
    } else if (n.isIntegralNumber()) {
      // The same decimal text either way; BigInteger's toString costs more than the whole check.
      text = n.canConvertToLong() ? Long.toString(n.longValue()) : n.bigIntegerValue().toString();
    } else {
      errors.add(new FieldError(fullPath, "must be a string or an integer, got " + describe(n)));
      return null;
    }
    String problem = Fields.version(text);
    if (problem != null) {
      errors.add(new FieldError(fullPath, problem));
      return null;
    }
    return text;
  }

  /** Reads an optional size; null when absent or bad (with an error when bad). */
  public Long optionalSize(String field) {
    JsonNode n = raw(field);
    return n == null ? null : size(field, n);
  }

  /** Reads a required size; -1 (with an error) when absent or bad. */
  public long requiredSize(String field) {
    JsonNode n = required(field);
    Long v = n == null ? null : size(field, n);
    return v == null ? -1 : v;
  }

  private Long size(String field, JsonNode n) {
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      error(field, "must be an integer from 0 to " + Long.MAX_VALUE + ", got " + describe(n));
      return null;
    }
    long v = n.longValue();
    String problem = Fields.size(v);
    if (problem != null) {
      error(field, problem);
      return null;
    }
    return v;
  }

  /** Reads a required boolean; null (with an error) when absent or not boolean. */
  public Boolean requiredBoolean(String field) {
    JsonNode n = required(field);
    return n == null ? null : bool(field, n);
  }

  /** Reads an optional boolean; {@code dflt} when absent, null (with an error) when not boolean. */
  public Boolean optionalBoolean(String field, boolean dflt) {
    JsonNode n = raw(field);
    if (n == null) {
      return dflt;
    }
    return bool(field, n);
  }

  private Boolean bool(String field, JsonNode n) {
    if (!n.isBoolean()) {
      error(field, "must be true or false, got " + describe(n));
      return null;
    }
    return n.booleanValue();
  }

  /** Returns the object at a required {@code field}; null (with an error) when absent or not one. */
  public JsonNode requiredObject(String field) {
    JsonNode n = required(field);
    return n == null ? null : object(field, n);
  }

  /** Returns the object at {@code field}, null when absent; adds an error when not an object. */
  public JsonNode optionalObject(String field) {
    JsonNode n = raw(field);
    return n == null ? null : object(field, n);
  }

  private JsonNode object(String field, JsonNode n) {
    if (!n.isObject()) {
      error(field, "must be a JSON object, got " + describe(n));
      return null;
    }
    return n;
  }

  /** Returns the array at a required {@code field}; null (with an error) when absent or not one. */
  public JsonNode requiredArray(String field) {
    JsonNode n = required(field);
    return n == null ? null : array(field, n);
  }

  /** Returns the array at {@code field}, null when absent; adds an error when not an array. */
  public JsonNode optionalArray(String field) {
    JsonNode n = raw(field);
    return n == null ? null : array(field, n);
  }

  private JsonNode array(String field, JsonNode n) {
    if (!n.isArray()) {
      error(field, "must be a JSON array, got " + describe(n));
      return null;
    }
    return n;
  }

  /** Returns a reader for the object at {@code field}, a name written in code. */
  public Nodes nested(String field, JsonNode child) {
    return new Nodes(child, path(field), errors);
  }

  /** Returns a reader for the object at the member named {@code key} as read from the document. */
  public Nodes nestedKey(String key, JsonNode child) {
    return new Nodes(child, keyPath(key), errors);
  }

  /** Describes a node for a message: strings quoted and shortened, objects and arrays by kind. */
  public static String describe(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return Fields.quote(n.textValue());
    }
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array";
    }
    String s = n.toString();
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  /** Returns a fresh error list. */
  public static List<FieldError> errors() {
    return new ArrayList<>();
  }
}
