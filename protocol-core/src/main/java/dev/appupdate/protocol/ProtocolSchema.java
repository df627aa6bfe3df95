package dev.appupdate.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Schemas (draft 2020-12) of protocol v1's documents. They ship in this library as the
 * resources {@code dev/appupdate/protocol/schema/<name>.schema.json}; this type reads them for
 * code that cannot reach the resources directly (resources of a named module are encapsulated).
 *
 * <pre>{@code
 * String schema = ProtocolSchema.UPDATE_REQUEST.text(); // hand it to any JSON Schema validator
 * }</pre>
 */
public enum ProtocolSchema {
  /** The body of {@code POST /v1/update}. */
  UPDATE_REQUEST("update-request"),
  /** The body of a {@code 200} answer to {@code POST /v1/update}. */
  UPDATE_RESPONSE("update-response"),
  /** The body of {@code POST /v1/completion}. */
  COMPLETION_REPORT("completion-report"),
  /** The body of every 4xx and 5xx answer, {@code application/problem+json}. */
  PROBLEM("problem");

  private final String schemaName;

  ProtocolSchema(String schemaName) {
    this.schemaName = schemaName;
  }

  /**
   * Returns the short name, for example {@code update-request}.
   *
   * @return the short name
   */
  public String schemaName() {
    return schemaName;
  }

  /**
   * Returns the resource path, for example {@code
   * dev/appupdate/protocol/schema/update-request.schema.json}.
   *
   * @return the resource path
   */
  public String resourcePath() {
    return "dev/appupdate/protocol/schema/" + schemaName + ".schema.json";
  }

  /**
   * Returns the schema as JSON text.
   *
   * @return the schema as JSON text
   * @throws IllegalStateException if the resource is missing from this library's jar
   */
  public String text() {
    try (InputStream in = ProtocolSchema.class.getResourceAsStream("/" + resourcePath())) {
      if (in == null) {
        throw new IllegalStateException(resourcePath() + " is missing from protocol-core");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resourcePath(), e);
    }
  }

  /**
   * Returns the schema with this short name.
   *
   * @param name the short name, for example {@code update-request}
   * @return the schema with this short name
   * @throws IllegalArgumentException if no schema has that name
   */
  public static ProtocolSchema fromSchemaName(String name) {
    for (ProtocolSchema s : values()) {
      if (s.schemaName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "no schema named " + name + "; known: update-request, update-response, completion-report,"
            + " problem");
  }
}
