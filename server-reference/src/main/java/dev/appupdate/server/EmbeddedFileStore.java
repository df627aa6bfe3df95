package dev.appupdate.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo files shipped inside the server, read into memory once. */
final class EmbeddedFileStore implements FileStore {
  /** The resource folder of the demo files, relative to this class. */
  static final String FOLDER = "demo/files/";

  /** The demo files: the seed README's two updates. */
  static final List<String> DEMO_FILES =
      List.of("important_data_v1.json", "important_binary_v2.zip");

  private final Map<String, StoredFileData> files;

  private EmbeddedFileStore(Map<String, StoredFileData> files) {
    this.files = files;
  }

  /**
   * Reads the demo files.
   *
   * @throws IOException if one is missing from the class path (a broken build)
   */
  static EmbeddedFileStore demo() throws IOException {
    Map<String, StoredFileData> files = new LinkedHashMap<>();
    for (String name : DEMO_FILES) {
      URL url = EmbeddedFileStore.class.getResource(FOLDER + name);
      if (url == null) {
        throw new IOException("embedded demo file " + FOLDER + name + " is missing from the build");
      }
      URLConnection connection = url.openConnection();
      byte[] bytes;
      try (InputStream in = connection.getInputStream()) {
        bytes = in.readAllBytes();
      }
      long modified = connection.getLastModified();
      Instant lastModified =
          (modified > 0 ? Instant.ofEpochMilli(modified) : Instant.now())
              .truncatedTo(ChronoUnit.SECONDS);
      files.put(name, new StoredFileData(bytes, lastModified, "\"" + sha256(bytes) + "\""));
    }
    return new EmbeddedFileStore(Map.copyOf(files));
  }

  @Override
  public StoredFile find(List<String> segments) {
    if (segments.size() != 1) {
      return null;
    }
    StoredFileData data = files.get(segments.get(0));
    return data == null ? null : StoredFile.of(data.bytes, data.lastModified, data.etag);
  }

  private static String sha256(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
  }

  private record StoredFileData(byte[] bytes, Instant lastModified, String etag) {}
}
