package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.protocol.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads typed fields out of a JSON object, collecting a {@link FieldError} per bad field instead
 * of stopping at the first, so a caller can report every problem at once.
 */
public final class Nodes {
  private final JsonNode object;
  private final String prefix;
  private final List<FieldError> errors;

  /**
   * @param object the object to read
   * @param prefix the path of the object followed by '.', or "" for the document root
   * @param errors where problems are added
   */
  public Nodes(JsonNode object, String prefix, List<FieldError> errors) {
    this.object = object;
    this.prefix = prefix;
    this.errors = errors;
  }

  /** Returns a reader for the whole document. */
  public static Nodes root(JsonNode object, List<FieldError> errors) {
    return new Nodes(object, "", errors);
  }

  /** Returns the path of {@code field} within the document. */
  public String path(String field) {
    return prefix + field;
  }

  /** Adds an error for {@code field}. */
  public void error(String field, String message) {
    errors.add(new FieldError(path(field), message));
  }

  /** Returns true if any error has been collected in the shared list. */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Returns the raw node of {@code field}, or null when absent or JSON null. */
  public JsonNode raw(String field) {
    JsonNode n = object.get(field);
    return n == null || n.isNull() ? null : n;
  }

  /** Reads a required string checked by {@code check}; null (with an error) when bad. */
  public String requiredString(String field, Function<String, String> check) {
    JsonNode n = raw(field);
    if (n == null) {
      error(field, "is required");
      return null;
    }
    return string(field, n, check);
  }

  /** Reads an optional string checked by {@code check}; null when absent or bad. */
  public String optionalString(String field, Function<String, String> check) {
    JsonNode n = raw(field);
    return n == null ? null : string(field, n, check);
  }

  private String string(String field, JsonNode n, Function<String, String> check) {
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
   * Reads a version that may be a string or a JSON integer (read as its decimal text); null (with
   * an error) when absent or bad.
   */
  public String requiredVersion(String field) {
    JsonNode n = raw(field);
    if (n == null) {
      error(field, "is required");
      return null;
    }
    String text;
    if (n.isTextual()) {
      text = n.textValue();
    } else if (n.isIntegralNumber()) {
      text = n.bigIntegerValue().toString();
    } else {
      error(field, "must be a string or an integer, got " + describe(n));
      return null;
    }
    String problem = Fields.version(text);
    if (problem != null) {
      error(field, problem);
      return null;
    }
    return text;
  }

  /** Reads a non-negative integer that fits a long; null (with an error when present) if bad. */
  public Long optionalSize(String field) {
    JsonNode n = raw(field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      error(field, "must be a non-negative integer of at most 2^63-1, got " + describe(n));
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

  /** Reads a required size; -1 (with an error) when absent or bad. */
  public long requiredSize(String field) {
    if (raw(field) == null) {
      error(field, "is required");
      return -1;
    }
    Long v = optionalSize(field);
    return v == null ? -1 : v;
  }

  /** Reads an optional boolean; {@code dflt} when absent, null (with an error) when not boolean. */
  public Boolean optionalBoolean(String field, boolean dflt) {
    JsonNode n = raw(field);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      error(field, "must be true or false, got " + describe(n));
      return null;
    }
    return n.booleanValue();
  }

  /** Returns the object at {@code field}, null when absent; adds an error when not an object. */
  public JsonNode optionalObject(String field) {
    JsonNode n = raw(field);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      error(field, "must be a JSON object, got " + describe(n));
      return null;
    }
    return n;
  }

  /** Returns the array at {@code field}, null when absent; adds an error when not an array. */
  public JsonNode optionalArray(String field) {
    JsonNode n = raw(field);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      error(field, "must be a JSON array, got " + describe(n));
      return null;
    }
    return n;
  }

  /** Returns a reader for a nested object at {@code field}. */
  public Nodes nested(String field, JsonNode child) {
    return new Nodes(child, prefix + field + ".", errors);
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
