package dev.appupdate.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.appupdate.protocol.ReleaseSignature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A catalog file as a tree that tools edit and write back, keeping what the author wrote: every
 * member in its order, every string and every number exactly as written ({@code "1.0"} stays {@code
 * "1.0"}, {@code 12.50} stays {@code 12.50}, {@code 1e1} stays {@code 1e1}). Only the layout is
 * normalised: two-space indentation, one member per line, arrays of plain values and small objects
 * of plain values (a signature) on one line, non-ASCII text as UTF-8 rather than escapes.
 *
 * <p>It reads a document that {@link dev.appupdate.protocol.catalog.Catalog} has already accepted,
 * so that its {@code releases} are the catalog's releases, in the same order.
 */
final class CatalogDocument {
  private static final JsonFactory JSON =
      new JsonFactoryBuilder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** An object of at most this many plain members is written on one line. */
  private static final int INLINE_MEMBERS = 2;

  /** A JSON number, kept as the text it was written as. */
  private record JsonNumber(String text) {}

  private final Map<String, Object> root;
  private final List<Map<String, Object>> releases;

  private CatalogDocument(Map<String, Object> root, List<Map<String, Object>> releases) {
    this.root = root;
    this.releases = releases;
  }

  /**
   * Reads a catalog document.
   *
   * @throws IllegalArgumentException if it is not JSON, or not an object whose {@code releases} is
   *     an array of objects; a catalog that {@code Catalog.parse} accepted always is
   */
  static CatalogDocument parse(byte[] json) {
    Object root;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() == null) {
        throw new IllegalArgumentException("no JSON value");
      }
      root = value(parser);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("more than one JSON value");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a catalog document: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("releases") instanceof List<?> list)) {
      throw new IllegalArgumentException("not a catalog document: no releases array");
    }
    List<Map<String, Object>> releases = new ArrayList<>(list.size());
    for (Object element : list) {
      if (!(element instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("not a catalog document: a release is not an object");
      }
      releases.add(asObject(element));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> rootObject = (Map<String, Object>) map;
    return new CatalogDocument(rootObject, releases);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object value) {
    return (Map<String, Object>) value;
  }

  /** Reads the value at the parser's current token, leaving the parser on its last token. */
  private static Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
          parser.nextToken();
          object.put(key, value(parser));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser));
        }
        return array;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        // The parser's text of a number token is the literal as written, not a re-rendering.
        return new JsonNumber(parser.getText());
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected JSON token " + token);
    }
  }

  /** Returns the number of releases. */
  int size() {
    return releases.size();
  }

  /**
   * Sets the {@code signatures} of the release at {@code index}: in place of the array it had, or
   * as its last member.
   */
  void setSignatures(int index, List<ReleaseSignature> signatures) {
    List<Object> array = new ArrayList<>(signatures.size());
    for (ReleaseSignature s : signatures) {
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("key_id", s.keyId());
      object.put("signature", s.signature());
      array.add(object);
    }
    releases.get(index).put("signatures", array);
  }

  /** Returns the document as UTF-8 JSON, ending in a line feed. */
  byte[] toJson() {
    StringBuilder sb = new StringBuilder(256 + releases.size() * 768);
    write(sb, root, "");
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder sb, Object value, String indent) {
    if (value instanceof Map<?, ?> map) {
      writeObject(sb, asObject(map), indent);
    } else if (value instanceof List<?> list) {
      writeArray(sb, list, indent);
    } else if (value instanceof String s) {
      string(sb, s);
    } else if (value instanceof JsonNumber n) {
      sb.append(n.text());
    } else if (value instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else {
      sb.append("null");
    }
  }

  private static void writeObject(StringBuilder sb, Map<String, Object> object, String indent) {
    if (object.isEmpty()) {
      sb.append("{}");
      return;
    }
    boolean inline =
        object.size() <= INLINE_MEMBERS
            && object.values().stream().allMatch(CatalogDocument::plain);
    String inner = indent + "  ";
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> member : object.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      if (inline) {
        sb.append(first ? "" : " ");
      } else {
        sb.append('\n').append(inner);
      }
      first = false;
      string(sb, member.getKey());
      sb.append(": ");
      write(sb, member.getValue(), inner);
    }
    if (!inline) {
      sb.append('\n').append(indent);
    }
    sb.append('}');
  }

  private static void writeArray(StringBuilder sb, List<?> array, String indent) {
    if (array.isEmpty()) {
      sb.append("[]");
      return;
    }
    boolean inline = array.stream().allMatch(CatalogDocument::plain);
    String inner = indent + "  ";
    sb.append('[');
    boolean first = true;
    for (Object element : array) {
      if (!first) {
        sb.append(inline ? ", " : ",");
      }
      if (!inline) {
        sb.append('\n').append(inner);
      }
      first = false;
      write(sb, element, inner);
    }
    if (!inline) {
      sb.append('\n').append(indent);
    }
    sb.append(']');
  }

  /** Whether {@code value} is neither an object nor an array. */
  private static boolean plain(Object value) {
    return !(value instanceof Map<?, ?>) && !(value instanceof List<?>);
  }

  /**
   * Writes {@code s} as a JSON string: quotes, backslashes and control characters escaped, and
   * unpaired surrogates too, since UTF-8 cannot hold them; everything else as it is.
   */
  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          boolean unpaired =
              Character.isHighSurrogate(c)
                  ? i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                  : Character.isLowSurrogate(c)
                      && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
          if (c < 0x20 || unpaired) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * Replaces {@code target} with {@code content} atomically: written and forced under a temporary
   * name in the same directory, then renamed over it, so that a server watching the file never
   * reads it half written. A symbolic link is followed, so that the file it points to is replaced,
   * not the link. The new file keeps the permissions of the one it replaces: a catalog is read by
   * the server, often as another user.
   */
  static void writeAtomically(Path target, byte[] content) throws IOException {
    boolean exists = Files.exists(target);
    Path file = exists ? target.toRealPath() : target.toAbsolutePath();
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      PosixFileAttributeView posix =
          Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (exists && posix != null) {
        Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
        Files.setPosixFilePermissions(tmp, permissions);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
