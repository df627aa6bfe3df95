package dev.appupdate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.examples.ServedCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The reference server's runnable jar in a child JVM, as an integrator runs it: a catalog file of
 * {@code your_app} releases with their real digests, the files under {@code --files}, a data
 * directory of its own and a free port.
 */
final class ReferenceServer implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("appupdate server listening on (http://[^/\\s]+)/?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JarProcess process;
  private final URI baseUrl;
  private final Path files;
  private final Path data;

  private ReferenceServer(JarProcess process, URI baseUrl, Path files, Path data) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.files = files;
    this.data = data;
  }

  /**
   * Writes {@code releases} into {@code dir} (catalog.json, files/, data/) and starts the server on
   * them; returns once it listens.
   */
  static ReferenceServer start(Path dir, ServedCatalog.Offered... releases)
      throws IOException, InterruptedException {
    write(dir, releases);
    return start(dir, List.of());
  }

  /**
   * Writes {@code releases} into {@code dir}: their bytes under {@code files/} and {@code
   * catalog.json}, for {@link #start(Path, List)}.
   *
   * @return the catalog file, to be changed (signed, say) before the server starts
   */
  static Path write(Path dir, ServedCatalog.Offered... releases) throws IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    for (ServedCatalog.Offered r : releases) {
      Files.write(files.resolve(fileName(r)), r.bytes());
    }
    return Files.writeString(
        dir.resolve("catalog.json"),
        Arrays.stream(releases)
            .map(ReferenceServer::releaseJson)
            .collect(Collectors.joining(",\n", "{\"releases\": [\n", "\n]}\n")));
  }

  /**
   * Starts the server on the catalog and files {@link #write} put into {@code dir}, with its own
   * data directory and a free port; returns once it listens.
   *
   * @param options more command-line options, such as {@code --public-url URL}
   */
  static ReferenceServer start(Path dir, List<String> options)
      throws IOException, InterruptedException {
    Path files = dir.resolve("files");
    Path data = dir.resolve("data");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port", "0",
                // Any free port: the default 8001 would collide with other servers on the machine.
                "--admin-port", "0",
                "--catalog", dir.resolve("catalog.json").toString(),
                "--files", files.toString(),
                "--data", data.toString()));
    args.addAll(options);
    JarProcess process =
        JarProcess.start("appupdate-server", JarProcess.jar("appupdate.server.jar"), dir, args);
    boolean listening = false;
    try {
      String url = process.awaitFirstLine(LISTENING).group(1);
      listening = true;
      return new ReferenceServer(process, URI.create(url + "/"), files, data);
    } finally {
      if (!listening) {
        process.close();
      }
    }
  }

  /** The name of a release's file under {@code --files}; deliberately unlike the client's. */
  static String fileName(ServedCatalog.Offered r) {
    return r.updateType() + "_v" + r.version() + ".bin";
  }

  private static String releaseJson(ServedCatalog.Offered r) {
    return "{\"product\": \"" + ServedCatalog.PRODUCT + "\", \"update_type\": \"" + r.updateType()
        + "\", \"version\": \"" + r.version() + "\", \"url\": \"files/" + fileName(r)
        + "\", \"hash_function\": \"sha512\", \"hash_value\": \""
        + ServedCatalog.sha512(r.bytes()) + "\", \"size\": " + r.bytes().length + "}";
  }

  /** Replaces the bytes the server serves for {@code release}; its catalog entry stays. */
  void tamper(ServedCatalog.Offered release, byte[] bytes) throws IOException {
    Files.write(files.resolve(fileName(release)), bytes);
  }

  /**
   * Returns the base URL from the server's listening line, ending in {@code /}: the address it
   * listens on, which is also its public URL unless {@code --public-url} said otherwise.
   */
  URI baseUrl() {
    return baseUrl;
  }

  /**
   * Returns the records of the server's completion log, {@code DATA/completions.jsonl}, in file
   * order. The server writes each record to disk before it answers the report, so whatever a
   * finished client reported is there.
   */
  List<JsonNode> completions() throws IOException {
    Path log = data.resolve("completions.jsonl");
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .map(ReferenceServer::parse)
        .toList();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON line: " + line, e);
    }
  }

  /** Returns what the server printed to stderr so far. */
  String stderr() throws IOException {
    return process.stderr();
  }

  @Override
  public void close() {
    process.close();
  }
}
