package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileRouteTest {
  private static final String CONTENT = "0123456789abcdefghij"; // 20 bytes
  private static final Instant MODIFIED = Instant.parse("2025-05-05T05:05:05Z");

  @TempDir Path dir;
  private Path files;
  private AppUpdateServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    files = Files.createDirectories(dir.resolve("files"));
    Files.writeString(files.resolve("payload.bin"), CONTENT);
    Files.setLastModifiedTime(files.resolve("payload.bin"), FileTime.from(MODIFIED));
    Files.createDirectories(files.resolve("sub"));
    Files.writeString(files.resolve("sub").resolve("inner.txt"), "inner");
    Files.writeString(files.resolve(".hidden"), "secret");
    Files.writeString(dir.resolve("outside.txt"), "outside");
    server = AppUpdateServer.builder().port(0).dataDir(dir.resolve("data")).filesDir(files).build();
    server.start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawHttp.Response get(String target, String... headers) throws Exception {
    return RawHttp.send(
        port, "GET " + target + " HTTP/1.1\nHost: x\n" + String.join("\n", headers));
  }

  @Test
  void get_file_isServedWholeWithValidators() throws Exception {
    RawHttp.Response r = get("/files/payload.bin");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(CONTENT);
    assertThat(r.header("Content-Length")).isEqualTo("20");
    assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(r.header("Last-Modified")).isEqualTo("Mon, 5 May 2025 05:05:05 GMT");
    assertThat(r.header("ETag")).matches("\"[0-9a-f]+(-[0-9a-f]+){2,3}\"");
  }

  @Test
  void get_fileInSubdirectory_isServed() throws Exception {
    assertThat(get("/files/sub/inner.txt").text()).isEqualTo("inner");
  }

  @Test
  void get_percentEncodedName_isDecoded() throws Exception {
    Files.writeString(files.resolve("a b.txt"), "space");

    assertThat(get("/files/a%20b.txt").text()).isEqualTo("space");
  }

  @Test
  void etag_changesWhenTheFileChanges() throws Exception {
    String before = get("/files/payload.bin").header("ETag");
    Files.writeString(files.resolve("payload.bin"), "9123456789abcdefghij");

    assertThat(get("/files/payload.bin").header("ETag")).isNotEqualTo(before);
  }

  @Test
  void head_file_hasTheHeadersOfGetAndNoBody() throws Exception {
    RawHttp.Response r = RawHttp.send(port, "HEAD /files/payload.bin HTTP/1.1\nHost: x");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).isEqualTo("20");
    assertThat(r.header("ETag")).isEqualTo(get("/files/payload.bin").header("ETag"));
    assertThat(r.body()).isEmpty();
  }

  @Test
  void range_closed_is206WithContentRange() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=2-5");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.text()).isEqualTo("2345");
    assertThat(r.header("Content-Range")).isEqualTo("bytes 2-5/20");
    assertThat(r.header("Content-Length")).isEqualTo("4");
  }

  @Test
  void range_openEnded_runsToTheEnd() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=15-");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.text()).isEqualTo("fghij");
    assertThat(r.header("Content-Range")).isEqualTo("bytes 15-19/20");
  }

  @Test
  void range_suffix_isTheLastBytes() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=-3");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.text()).isEqualTo("hij");
  }

  @Test
  void range_pastTheEnd_isClamped() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=18-99999999999999999999999");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Range")).isEqualTo("bytes 18-19/20");
  }

  @Test
  void range_beyondTheFile_is416WithSize() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=20-");

    assertThat(r.status()).isEqualTo(416);
    assertThat(r.header("Content-Range")).isEqualTo("bytes */20");
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.text()).contains("\"status\":416");
  }

  @Test
  void range_zeroSuffix_is416() throws Exception {
    assertThat(get("/files/payload.bin", "Range: bytes=-0").status()).isEqualTo(416);
  }

  @Test
  void range_severalRanges_isIgnored() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=0-1,5-6");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(CONTENT);
  }

  @Test
  void range_malformed_isIgnored() throws Exception {
    assertThat(get("/files/payload.bin", "Range: bytes=5-2").status()).isEqualTo(200);
    assertThat(get("/files/payload.bin", "Range: lines=1-2").status()).isEqualTo(200);
    assertThat(get("/files/payload.bin", "Range: bytes=x-").status()).isEqualTo(200);
  }

  @Test
  void ifRange_currentEtag_honoursTheRange() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=10-", "If-Range: " + etag);

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.text()).isEqualTo("abcdefghij");
  }

  @Test
  void ifRange_staleEtag_sendsTheWholeFile() throws Exception {
    RawHttp.Response r = get("/files/payload.bin", "Range: bytes=10-", "If-Range: \"stale\"");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(CONTENT);
  }

  @Test
  void ifRange_weakEtag_neverMatches() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    assertThat(get("/files/payload.bin", "Range: bytes=10-", "If-Range: W/" + etag).status())
        .isEqualTo(200);
  }

  @Test
  void ifNoneMatch_currentEtag_is304WithTheEtagAndNoBody() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    RawHttp.Response r = get("/files/payload.bin", "If-None-Match: " + etag);

    assertThat(r.status()).isEqualTo(304);
    assertThat(r.header("ETag")).isEqualTo(etag);
    assertThat(r.header("Content-Length")).isNull();
    assertThat(r.header("Content-Type")).isNull();
    assertThat(r.body()).isEmpty();
  }

  @Test
  void ifNoneMatch_head_is304() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    RawHttp.Response r =
        RawHttp.send(port, "HEAD /files/payload.bin HTTP/1.1\nHost: x\nIf-None-Match: " + etag);

    assertThat(r.status()).isEqualTo(304);
    assertThat(r.header("ETag")).isEqualTo(etag);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*",
        "\"stale\", ETAG",
        "ETAG, \"stale\"",
        "\"a,b\",ETAG",
        "W/ETAG",
        "\"stale\", W/ETAG , \"other\""
      })
  void ifNoneMatch_namingTheCurrentRepresentation_is304(String header) throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    assertThat(get("/files/payload.bin", "If-None-Match: " + header.replace("ETAG", etag)).status())
        .isEqualTo(304);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"stale\"", "\"stale\", W/\"other\"", "W/", "garbage, ETAG", ""})
  void ifNoneMatch_namingAnotherOrMalformed_sendsTheFile(String header) throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    RawHttp.Response r =
        get("/files/payload.bin", "If-None-Match: " + header.replace("ETAG", etag));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(CONTENT);
  }

  @Test
  void ifNoneMatch_inASecondFieldLine_counts() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    assertThat(
            get("/files/payload.bin", "If-None-Match: \"stale\"", "If-None-Match: " + etag)
                .status())
        .isEqualTo(304);
  }

  @Test
  void ifNoneMatch_matchingWithARange_is304() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");

    assertThat(get("/files/payload.bin", "Range: bytes=2-5", "If-None-Match: " + etag).status())
        .isEqualTo(304);
  }

  @Test
  void ifNoneMatch_afterTheFileChanged_sendsTheNewFile() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");
    Files.writeString(files.resolve("payload.bin"), "changed");

    RawHttp.Response r = get("/files/payload.bin", "If-None-Match: " + etag);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("changed");
  }

  @Test
  void notModified_keepsTheConnectionUsable() throws Exception {
    String etag = get("/files/payload.bin").header("ETag");
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream()
          .write(RawHttp.head("GET /files/payload.bin HTTP/1.1\nHost: x\nIf-None-Match: " + etag));
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(304);
      s.getOutputStream().write(RawHttp.head("GET /files/payload.bin HTTP/1.1\nHost: x"));
      assertThat(RawHttp.read(s.getInputStream(), false).text()).isEqualTo(CONTENT);
    }
  }

  @Test
  void ifRange_date_neverResumes_evenTheExactLastModified() throws Exception {
    RawHttp.Response exact =
        get("/files/payload.bin", "Range: bytes=10-", "If-Range: Mon, 5 May 2025 05:05:05 GMT");

    assertThat(exact.status()).isEqualTo(200);
    assertThat(exact.text()).isEqualTo(CONTENT);
    assertThat(exact.header("Last-Modified")).isEqualTo("Mon, 5 May 2025 05:05:05 GMT");
    assertThat(
            get("/files/payload.bin", "Range: bytes=10-", "If-Range: Mon, 5 May 2025 05:05:04 GMT")
                .status())
        .isEqualTo(200);
  }

  @Test
  void missing_is404Problem() throws Exception {
    RawHttp.Response r = get("/files/nope.bin");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void directory_isNotListed() throws Exception {
    assertThat(get("/files/").status()).isEqualTo(404);
    assertThat(get("/files/sub").status()).isEqualTo(404);
    assertThat(get("/files/sub/").status()).isEqualTo(404);
    assertThat(get("/files").status()).isEqualTo(404);
  }

  @Test
  void hiddenFile_is404() throws Exception {
    assertThat(get("/files/.hidden").status()).isEqualTo(404);
    assertThat(get("/files/%2ehidden").status()).isEqualTo(404);
  }

  @Test
  void traversal_dotDot_is400() throws Exception {
    RawHttp.Response r = get("/files/../outside.txt");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("dot segment").doesNotContain("outside");
  }

  @Test
  void traversal_encodedDotDot_is400() throws Exception {
    assertThat(get("/files/%2e%2e/outside.txt").status()).isEqualTo(400);
    assertThat(get("/files/%2E%2E/outside.txt").status()).isEqualTo(400);
    assertThat(get("/files/sub/%2e%2e/%2e%2e/outside.txt").status()).isEqualTo(400);
  }

  @Test
  void traversal_encodedSlash_is400() throws Exception {
    assertThat(get("/files/..%2foutside.txt").status()).isEqualTo(400);
    assertThat(get("/files/..%2Foutside.txt").status()).isEqualTo(400);
    assertThat(get("/files/..%5coutside.txt").status()).isEqualTo(400);
  }

  @Test
  void traversal_doubleSlash_is400() throws Exception {
    assertThat(get("/files//etc/passwd").status()).isEqualTo(400);
    assertThat(get("/files/sub//inner.txt").status()).isEqualTo(400);
  }

  @Test
  void traversal_nulAndBadEscapes_is400() throws Exception {
    assertThat(get("/files/payload.bin%00.txt").status()).isEqualTo(400);
    assertThat(get("/files/%zz").status()).isEqualTo(400);
    assertThat(get("/files/%c0%ae%c0%ae/outside.txt").status()).isEqualTo(400);
  }

  @Test
  void symlinkLeavingTheDirectory_is404() throws Exception {
    Files.createSymbolicLink(files.resolve("escape.txt"), dir.resolve("outside.txt"));
    Files.createSymbolicLink(files.resolve("escape-dir"), dir);

    assertThat(get("/files/escape.txt").status()).isEqualTo(404);
    assertThat(get("/files/escape-dir/outside.txt").status()).isEqualTo(404);
  }

  @Test
  void symlinkInsideTheDirectory_isServed() throws Exception {
    Files.createSymbolicLink(files.resolve("alias.bin"), files.resolve("payload.bin"));

    assertThat(get("/files/alias.bin").text()).isEqualTo(CONTENT);
  }

  @Test
  void post_is405AllowingGetAndHead() throws Exception {
    RawHttp.Response r =
        RawHttp.send(port, "POST /files/payload.bin HTTP/1.1\nHost: x\nContent-Length: 0");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void emptyFile_isServedWithLengthZero() throws Exception {
    Files.write(files.resolve("empty"), new byte[0]);

    RawHttp.Response r = get("/files/empty");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).isEqualTo("0");
    assertThat(get("/files/empty", "Range: bytes=0-").status()).isEqualTo(416);
  }

  @Test
  void largeFile_isServedCompletely() throws Exception {
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    Files.write(files.resolve("big.bin"), big);

    RawHttp.Response r = get("/files/big.bin", "Range: bytes=100000-");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(big, 100_000, big.length));
    assertThat(new String(get("/files/big.bin").body(), StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(big, StandardCharsets.ISO_8859_1));
  }

  @Test
  void symlinkInsideTheDirectoryToAHiddenFile_is404() throws Exception {
    Files.createSymbolicLink(files.resolve("innocent.txt"), files.resolve(".hidden"));
    Files.createDirectories(files.resolve(".git"));
    Files.writeString(files.resolve(".git").resolve("config"), "secret");
    Files.createSymbolicLink(files.resolve("cfg"), files.resolve(".git").resolve("config"));
    Files.createSymbolicLink(files.resolve("repo"), files.resolve(".git"));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(get("/files/innocent.txt").status()).isEqualTo(404);
      assertThat(get("/files/cfg").status()).isEqualTo(404);
      assertThat(get("/files/repo/config").status()).isEqualTo(404);
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("resolves to the hidden"));
    }
  }

  @Test
  void filesDirIsALinkSwappedOnDeploy_servesTheNewTargetFromTheNextRequest() throws Exception {
    Path v1 = Files.createDirectories(dir.resolve("releases").resolve("1"));
    Path v2 = Files.createDirectories(dir.resolve("releases").resolve("2"));
    Files.writeString(v1.resolve("app.bin"), "version 1");
    Files.writeString(v2.resolve("app.bin"), "version 2");
    Path current = Files.createSymbolicLink(dir.resolve("current"), v1);
    try (AppUpdateServer deployed =
        AppUpdateServer.builder().port(0).dataDir(dir.resolve("data2")).filesDir(current).build()) {
      deployed.start();
      assertThat(Fixtures.get(deployed, "/files/app.bin").body()).isEqualTo("version 1");

      swapLink(current, v2);

      assertThat(Fixtures.get(deployed, "/files/app.bin").body()).isEqualTo("version 2");
    }
  }

  @Test
  void filesDirSwappedToHoldTheDataDir_neverServesTheKeyOrTheLog() throws Exception {
    Path site = Files.createDirectories(dir.resolve("site"));
    Path data = site.resolve("appupdate-data");
    Path current = Files.createSymbolicLink(dir.resolve("current"), files);
    try (AppUpdateServer deployed =
        AppUpdateServer.builder().port(0).dataDir(data).filesDir(current).build()) {
      deployed.start(); // the data directory is outside the files directory: accepted

      swapLink(current, site);

      try (LogCapture log = new LogCapture("dev.appupdate.server")) {
        assertThat(Fixtures.get(deployed, "/files/appupdate-data/request-id.key").statusCode())
            .isEqualTo(404);
        assertThat(Fixtures.get(deployed, "/files/appupdate-data/completions.jsonl").statusCode())
            .isEqualTo(404);
        assertThat(log.messages())
            .anySatisfy(m -> assertThat(m).contains("resolves into the server's private"));
      }
    }
  }

  /** Points {@code link} at {@code target} atomically, as deploys do: a new link renamed over. */
  private static void swapLink(Path link, Path target) throws Exception {
    Path next = link.resolveSibling(link.getFileName() + ".next");
    Files.createSymbolicLink(next, target);
    Files.move(next, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
