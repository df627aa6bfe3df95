package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Patch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads of offers that carry a patch, with an applier of a test format {@code append} (the
 * new bytes are the base followed by the patch's): what is fetched, what is left in the
 * directory, and every failure falling back to the full file.
 */
class PatchDownloadTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final byte[] BASE = Fixtures.payload(20_000, 1);
  private static final byte[] TAIL = Fixtures.payload(500, 2);
  private static final byte[] NEW = concat(BASE, TAIL);
  private static final String BASE_NAME = Fixtures.finalName("app", "1.0");
  private static final String NEW_NAME = Fixtures.finalName("app", "2.0");

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();
  private final List<String> applied = new ArrayList<>();
  /** What the test applier writes after the base; the real tail unless a test changes it. */
  private byte[] written = TAIL;

  private final PatchApplier append =
      new PatchApplier() {
        @Override
        public List<String> formats() {
          return List.of("append");
        }

        @Override
        public void apply(String format, Path base, Path patch, long size, OutputStream out)
            throws IOException {
          applied.add(format + " " + base.getFileName() + " " + size);
          out.write(Files.readAllBytes(base));
          out.write(written);
        }
      };

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @BeforeEach
  void serveFullFileAndPatch() {
    server.stubFor(get("/full").willReturn(aResponse().withStatus(200).withBody(NEW)));
    server.stubFor(get("/patch").willReturn(aResponse().withStatus(200).withBody(TAIL)));
  }

  private UpdateClient.Builder client() {
    return Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts());
  }

  private AvailableUpdate offer() {
    return Fixtures.offer("app", "2.0", NEW, URI.create(server.baseUrl() + "/full"))
        .toBuilder()
        .patch(
            Patch.builder()
                .from("1.0")
                .fromHashValue(Fixtures.sha512(BASE))
                .format("append")
                .url(URI.create(server.baseUrl() + "/patch"))
                .hashFunction(HashFunction.SHA512)
                .hashValue(Fixtures.sha512(TAIL))
                .size(TAIL.length)
                .build())
        .build();
  }

  private int requests(String path) {
    return server.findAll(getRequestedFor(urlEqualTo(path))).size();
  }

  @Test
  void download_baseKeptInTheDirectory_fetchesOnlyThePatchAndRebuildsTheFile()
      throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);
    List<DownloadProgress> progress = new ArrayList<>();

    DownloadedUpdate d = client().patches(append).build().download(offer(), dir, progress::add);

    assertThat(d.patched()).isTrue();
    assertThat(d.patchFailure()).isNull();
    assertThat(d.path()).isEqualTo(dir.resolve(NEW_NAME));
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(applied).containsExactly("append " + BASE_NAME + " " + NEW.length);
    assertThat(requests("/patch")).isEqualTo(1);
    assertThat(requests("/full")).isZero();
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(BASE_NAME, NEW_NAME);
    assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(TAIL.length);
    assertThat(progress).allSatisfy(p -> assertThat(p.totalBytes()).isEqualTo(TAIL.length));
  }

  @Test
  void download_baseFromTheResolver_isUsedWhereverItIs(@TempDir Path installed)
      throws IOException {
    Path jar = Files.write(installed.resolve("app.jar"), BASE);

    DownloadedUpdate d =
        client()
            .patches(append)
            .baseFiles(type -> type.equals("app") ? jar : null)
            .build()
            .download(offer(), dir);

    assertThat(d.patched()).isTrue();
    assertThat(Files.readAllBytes(jar)).as("the base is only read").isEqualTo(BASE);
    assertThat(Fixtures.files(dir)).containsExactly(NEW_NAME);
  }

  @Test
  void download_noBase_fallsBackToTheFullFileWithoutFetchingThePatch() throws IOException {
    DownloadedUpdate d = client().patches(append).build().download(offer(), dir);

    assertThat(d.patched()).isFalse();
    assertThat(d.patchFailure()).isEqualTo("no base file of app 1.0");
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(requests("/patch")).isZero();
    assertThat(requests("/full")).isEqualTo(1);
  }

  @Test
  void download_baseWithAnotherDigest_fallsBackToTheFullFile() throws IOException {
    byte[] modified = BASE.clone();
    modified[7] ^= 1;
    Files.write(dir.resolve(BASE_NAME), modified);

    DownloadedUpdate d = client().patches(append).build().download(offer(), dir);

    assertThat(d.patchFailure()).isEqualTo("base file " + BASE_NAME + " differs from 1.0 (digest)");
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(applied).isEmpty();
  }

  @Test
  void download_patchRebuildsOtherBytes_fallsBackAndLeavesNoRebuiltOrPatchFile()
      throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);
    written = Fixtures.payload(TAIL.length, 3);

    DownloadedUpdate d = client().patches(append).build().download(offer(), dir);

    assertThat(d.patchFailure()).isEqualTo("rebuilt file has the wrong digest");
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(requests("/full")).isEqualTo(1);
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(BASE_NAME, NEW_NAME);
  }

  @Test
  void download_patchWritesMoreThanTheOfferedSize_isStoppedAndFallsBack() throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);
    written = concat(TAIL, new byte[1]);

    DownloadedUpdate d = client().patches(append).build().download(offer(), dir);

    assertThat(d.patchFailure())
        .isEqualTo(
            "patch apply failed: patch produces more than the " + NEW.length
                + " bytes declared");
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(BASE_NAME, NEW_NAME);
  }

  @Test
  void download_patchFileCorrupted_fallsBackToTheFullFile() throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);
    server.stubFor(
        get("/patch")
            .willReturn(aResponse().withStatus(200).withBody(Fixtures.payload(TAIL.length, 4))));

    DownloadedUpdate d = client().patches(append).build().download(offer(), dir);

    assertThat(d.patchFailure()).isEqualTo("patch download failed: bad checksum");
    assertThat(applied).isEmpty();
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(BASE_NAME, NEW_NAME);
  }

  @Test
  void download_applierFailsWithAnError_fallsBackToTheFullFile() throws IOException {
    // What a native applier throws when its library does not load on this platform.
    Files.write(dir.resolve(BASE_NAME), BASE);
    PatchApplier unloadable =
        new PatchApplier() {
          @Override
          public List<String> formats() {
            return List.of("append");
          }

          @Override
          public void apply(String format, Path base, Path patch, long size, OutputStream out) {
            throw new UnsatisfiedLinkError("no zstd-jni in java.library.path");
          }
        };

    DownloadedUpdate d = client().patches(unloadable).build().download(offer(), dir);

    assertThat(d.patched()).isFalse();
    assertThat(d.patchFailure()).startsWith("patch apply failed: ");
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(BASE_NAME, NEW_NAME);
  }

  @Test
  void download_baseResolverThrows_usesTheFileKeptInTheDirectory() throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);

    DownloadedUpdate d =
        client()
            .patches(append)
            .baseFiles(
                type -> {
                  throw new IllegalStateException("no install location");
                })
            .build()
            .download(offer(), dir);

    assertThat(d.patched()).isTrue();
    assertThat(Files.readAllBytes(d.path())).isEqualTo(NEW);
  }

  @Test
  void download_clientWithoutApplier_ignoresThePatch() throws IOException {
    Files.write(dir.resolve(BASE_NAME), BASE);

    DownloadedUpdate d = client().build().download(offer(), dir);

    assertThat(d.patched()).isFalse();
    assertThat(d.patchFailure()).isNull();
    assertThat(requests("/patch")).isZero();
  }

  @Test
  void build_patchesSet_requestListsTheApplierFormats() {
    assertThat(client().patches(append).build().request().patchFormats())
        .containsExactly("append");
    assertThat(client().build().request().patchFormats()).isEmpty();
  }

  @Test
  void build_baseFilesWithoutPatchesOrFormatsWithoutApplier_isRefused() {
    assertThatThrownBy(() -> client().baseFiles(type -> null).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("baseFiles requires patches");
    assertThatThrownBy(
            () ->
                Fixtures.client(
                        server.baseUrl(),
                        time,
                        Fixtures.request().patchFormats(List.of("zstd")).build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no patch applier");
  }
}
