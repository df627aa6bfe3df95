package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as integrators run it: flags, exit codes, the listening line, signals. */
class ServerJarIT {
  private static final String ACCESS = " INFO dev.appupdate.server.access: 127.0.0.1 ";

  @TempDir Path dir;

  @Test
  void help_listsEveryOptionAndExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--help")) {
      assertThat(p.awaitExit()).isZero();
      assertThat(String.join("\n", p.stdoutLines()))
          .contains(
              "--port",
              "--bind",
              "--public-url",
              "--catalog",
              "--files",
              "--data",
              "--key",
              "--retention",
              "--max-completion-keys",
              "--response-key",
              "--trust",
              "--help",
              "--version",
              "Exit codes:",
              "POST /v1/explain");
      assertThat(p.stderr()).isEmpty();
    }
  }

  @Test
  void version_printsTheProjectVersionAndExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--version")) {
      assertThat(p.awaitExit()).isZero();
      assertThat(p.stdoutLines())
          .containsExactly("appupdate-server " + System.getProperty("appupdate.version"));
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  @Test
  void misspelledFlag_exits2SuggestingTheFlagMeant() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--prot", "0")) {
      assertThat(p.awaitExit()).isEqualTo(2);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .isEqualTo(
              "appupdate-server: unknown option \"--prot\"; did you mean --port? (see --help)"
                  + System.lineSeparator());
    }
  }

  @Test
  void severalBadValues_exit2ListingEachOnALineOfItsOwn() throws Exception {
    try (ServerProcess p =
        ServerProcess.start(dir, "--port", "http", "--retention=soon", "--catalog", "nope.json")) {
      assertThat(p.awaitExit()).isEqualTo(2);
      assertThat(p.stderr().lines())
          .containsExactly(
              "appupdate-server: --port: must be a number 0-65535, got \"http\"",
              "appupdate-server: --retention: must be like 30d, 12h, 90m, 3600s or P30D, got"
                  + " \"soon\"",
              "appupdate-server: --catalog: \"nope.json\" does not exist (see --help)");
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  @Test
  void modulePath_runsTheServerAsANamedModule() throws Exception {
    try (ServerProcess version = ServerProcess.startOnModulePath(dir, "--version")) {
      assertThat(version.awaitExit()).as("stderr: %s", version.stderr()).isZero();
      assertThat(version.stdoutLines())
          .containsExactly("appupdate-server " + System.getProperty("appupdate.version"));
    }
    // Picocli sets the options through reflection, which the module must open to it; a response
    // key needs BouncyCastle's module.
    KeyPair pair = Ed25519Keys.generate();
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(pair, key, dir.resolve("response.pub"));
    try (ServerProcess p =
        ServerProcess.startOnModulePath(dir, "--port", "0", "--response-key", key.toString())) {
      int port = p.awaitPort();
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
      assertThat(signedCheck(port, pair).valid()).isTrue();
      p.process().destroy();
      assertThat(p.awaitExit()).isZero();
    }
  }

  @Test
  void seedRequest_gets200WhoseUrlsDownloadAndVerify() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0")) {
      int port = p.awaitPort();
      byte[] seed = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);

      RawHttp.Response r =
          RawHttp.send(
              port,
              "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                  + "Content-Length: "
                  + seed.length,
              seed);

      assertThat(r.status()).isEqualTo(200);
      List<AvailableUpdate> offers =
          ClientCodec.create().decodeUpdateResponse(r.body()).availableUpdates();
      assertThat(offers)
          .containsExactlyElementsOf(
              Fixtures.demoOffers(URI.create("http://127.0.0.1:" + port + "/")));
      for (AvailableUpdate offer : offers) {
        byte[] bytes = Fixtures.download(offer.url());
        assertThat(bytes).hasSize((int) offer.size());
        assertThat(Fixtures.sha512(bytes)).isEqualTo(offer.hashValue());
      }
    }
  }

  @Test
  void responseKey_signsChecksThatAsk_withBouncyCastleInsideTheJar() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(pair, key, dir.resolve("response.pub"));

    try (ServerProcess p =
        ServerProcess.start(dir, "--port", "0", "--response-key", key.toString())) {
      Verification v = signedCheck(p.awaitPort(), pair);

      assertThat(v.valid()).as(v.toString()).isTrue();
      assertThat(v.keyId()).isEqualTo(Ed25519Keys.keyId(pair.getPublic()));
    }
  }

  /** Sends the seed request asking for a signature, and verifies the answer as a client would. */
  private static Verification signedCheck(int port, KeyPair pair) throws IOException {
    TrustedKeys trusted = TrustedKeys.of(pair.getPublic());
    AcceptSignature accept = AcceptSignature.create(trusted);
    byte[] seed = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
    String digest = ContentDigest.of(seed).headerValue();
    RawHttp.Response r =
        RawHttp.send(
            port,
            "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                + AcceptSignature.HEADER
                + ": "
                + accept.headerValue()
                + "\n"
                + ContentDigest.HEADER
                + ": "
                + digest
                + "\nContent-Length: "
                + seed.length,
            seed);
    assertThat(r.status()).isEqualTo(200);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().forEach((name, value) -> headers.put(name, List.of(value)));
    return ResponseVerifier.create(trusted)
        .verify(
            RequestBinding.of(
                "POST",
                URI.create("http://127.0.0.1:" + port + "/v1/update"),
                digest,
                accept.nonce()),
            r.status(),
            headers,
            r.body());
  }

  @Test
  void responseKeyReadableByOthers_exits1NamingTheFile() throws Exception {
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve("response.pub"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    try (ServerProcess p =
        ServerProcess.start(dir, "--port", "0", "--response-key", key.toString())) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .startsWith(
              "appupdate-server: cannot start: private key file "
                  + key
                  + " is accessible to group or others (rw-r--r--)")
          .contains("chmod 600 " + key);
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  @Test
  void trust_unsignedCatalog_exits1ListingEachReleaseByPosition() throws Exception {
    KeyPair release = Ed25519Keys.generate();
    Path pub = dir.resolve("release.pub");
    Ed25519Keys.write(release, dir.resolve("release.key"), pub);
    Path catalog =
        Files.writeString(dir.resolve("catalog.json"), Fixtures.catalog("data:1.0", "blob:2.0"));
    String why =
        ": no valid signature by a trusted release key ("
            + Ed25519Keys.keyId(release.getPublic())
            + "): not signed";

    try (ServerProcess p =
        ServerProcess.start(
            dir, "--port", "0", "--catalog", catalog.toString(), "--trust", pub.toString())) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stderr().lines())
          .containsExactly(
              "appupdate-server: cannot start: invalid catalog " + catalog + ": 2 problems",
              "  releases[0].signatures" + why,
              "  releases[1].signatures" + why);
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  @Test
  void invalidCatalog_exits1ListingEveryProblemOnALineOfItsOwn() throws Exception {
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.catalog("data:1.0", "blob:2.0")
                .replace("\"size\": 10", "\"size\": -1")
                .replace("\"files/data-1.0\"", "\"ftp://x/data\""));

    try (ServerProcess p =
        ServerProcess.start(dir, "--port", "0", "--catalog", catalog.toString())) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr().lines())
          .containsExactly(
              "appupdate-server: cannot start: invalid catalog " + catalog + ": 3 problems",
              "  releases[0].size: must not be negative, got -1",
              "  releases[0].url: must be an absolute http or https URL or a relative path, got"
                  + " scheme \"ftp\" in \"ftp://x/data\"",
              "  releases[1].size: must not be negative, got -1");
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  @Test
  void catalogFile_changeWhileRunning_isServed() throws Exception {
    Path catalog = Files.writeString(dir.resolve("catalog.json"), Fixtures.catalog("data:1.0"));
    try (ServerProcess p =
        ServerProcess.start(dir, "--port", "0", "--catalog", catalog.toString())) {
      int port = p.awaitPort();
      assertThat(update(port)).contains("\"version\":\"1.0\"");

      Fixtures.replace(catalog, Fixtures.catalog("data:2.0"));

      Await.until("the new catalog is served", () -> quietly(() -> update(port)).contains("2.0"));
    }
  }

  private static String update(int port) throws IOException {
    byte[] seed = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
    return RawHttp.send(
            port,
            "POST /v1/update HTTP/1.1\nHost: x\nContent-Length: " + seed.length,
            seed)
        .text();
  }

  private interface IoSupplier {
    String get() throws IOException;
  }

  private static String quietly(IoSupplier s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void badFlag_exits2WithAOneLineReason() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0", "--frobnicate")) {
      assertThat(p.awaitExit()).isEqualTo(2);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .isEqualTo(
              "appupdate-server: unknown option \"--frobnicate\" (see --help)"
                  + System.lineSeparator());
    }
  }

  @Test
  void start_printsExactlyOneListeningLine_andSigtermExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0")) {
      int port = p.awaitPort();
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
      assertThat(RawHttp.send(port, "GET /files/important_binary_v2.zip HTTP/1.1\nHost: x").body())
          .hasSize(1312);

      p.process().destroy(); // SIGTERM

      assertThat(p.awaitExit()).isZero();
      assertThat(p.stdoutLines())
          .containsExactly("appupdate server listening on http://127.0.0.1:" + port);
      assertThat(dir.resolve("appupdate-data").resolve("request-id.key")).exists();
      assertThat(p.stderr().lines())
          .last()
          .asString()
          .endsWith(" INFO dev.appupdate.server: completion log flushed");
    }
  }

  @Test
  void sigterm_finishesTheRequestInFlightAnswering503MeanwhileThenExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0")) {
      int port = p.awaitPort();
      byte[] body = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
      try (Socket inFlight = RawHttp.connect(port)) {
        OutputStream out = inFlight.getOutputStream();
        out.write(
            RawHttp.head("POST /v1/update HTTP/1.1\nHost: x\nContent-Length: " + body.length));
        out.write(body, 0, 5);
        out.flush();
        // Once the server answers, the request above is surely in flight.
        assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);

        p.process().destroy();
        Await.until("the drain answers 503", () -> status(port) == 503);
        out.write(body, 5, body.length - 5);
        out.flush();

        assertThat(RawHttp.read(inFlight.getInputStream(), false).status()).isEqualTo(200);
      }
      assertThat(p.awaitExit()).isZero();
      // The log handlers stay open until the stop has finished: what the drain did is logged.
      assertThat(p.stderr().lines())
          .anySatisfy(l -> assertThat(l).contains(ACCESS + "GET \"/healthz\" 503"))
          .anySatisfy(l -> assertThat(l).contains(ACCESS + "POST \"/v1/update\" 200"))
          .anySatisfy(l -> assertThat(l).endsWith(" INFO dev.appupdate.server: stopped"))
          .last()
          .asString()
          .endsWith(" INFO dev.appupdate.server: completion log flushed");
    }
  }

  @Test
  void secondServerOnTheSameDataDir_exits1SayingItIsInUse() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      int port = first.awaitPort();

      try (ServerProcess second =
          ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
        assertThat(second.awaitExit()).isEqualTo(1);
        assertThat(second.stdoutLines()).isEmpty();
        assertThat(second.stderr())
            .isEqualTo(
                "appupdate-server: cannot start: data directory "
                    + data
                    + " is in use by another server; give each server its own --data directory"
                    + " (replicas share only the request-id key, see --key)"
                    + System.lineSeparator());
      }
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
    }
  }

  @Test
  void filesDirHoldingTheDataDir_exits1BeforeServingTheKey() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0", "--files", ".")) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .startsWith(
              "appupdate-server: cannot start: the data directory appupdate-data is the files"
                  + " directory . or inside it, which would serve the request-id key");
      assertThat(dir.resolve("appupdate-data")).doesNotExist();
    }
  }

  private static int status(int port) {
    try {
      return RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void corruptKey_exits1SayingWhy() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("request-id.key"), new byte[7]);

    try (ServerProcess p = ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .contains("appupdate-server: cannot start: request-id key file")
          .contains("is corrupt: it holds 7 bytes, not 32");
    }
  }

  @Test
  void portInUse_exits1SayingWhy() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerProcess p =
            ServerProcess.start(dir, "--port", Integer.toString(taken.getLocalPort()))) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stderr())
          .contains(
              "appupdate-server: cannot start: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void slowClient_isCutOffByTheRequestTimeout() throws Exception {
    try (ServerProcess p =
        ServerProcess.start(dir, List.of("-Dsun.net.httpserver.maxReqTime=1"), "--port", "0")) {
      int port = p.awaitPort();
      try (Socket slow = RawHttp.connect(port)) {
        slow.getOutputStream()
            .write(RawHttp.head("POST /v1/update HTTP/1.1\nHost: x\nContent-Length: 100"));
        slow.getOutputStream().write('{');
        slow.getOutputStream().flush();

        // The rest of the body never comes: within a second or two the server hangs up.
        assertThat(readToEnd(slow.getInputStream())).isEmpty();
      }
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
    }
  }

  @Test
  void silentClient_isCutOffByTheRequestTimeout() throws Exception {
    try (ServerProcess p =
        ServerProcess.start(dir, List.of("-Dsun.net.httpserver.maxReqTime=1"), "--port", "0")) {
      int port = p.awaitPort();
      try (Socket silent = RawHttp.connect(port)) {
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (java.net.SocketException e) {
      return new byte[0]; // reset by the server: cut off all the same
    }
  }
}
