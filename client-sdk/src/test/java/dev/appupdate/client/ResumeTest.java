package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final byte[] PAYLOAD = Fixtures.payload(10_000, 7);
  private static final String NAME = Fixtures.finalName("my_data", "1.0");

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private UpdateClient client() {
    return Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts()).build();
  }

  private AvailableUpdate offer(URI url) {
    return Fixtures.offer("my_data", "1.0", PAYLOAD, url);
  }

  private URI url(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private Path part() {
    return dir.resolve("." + NAME + ".part");
  }

  private Path meta() {
    return dir.resolve("." + NAME + ".part.meta");
  }

  /** Leaves what an interrupted earlier download leaves: a prefix and its sidecar. */
  private void earlierAttempt(AvailableUpdate offer, byte[] prefix, String validator)
      throws IOException {
    Files.write(part(), prefix);
    Sidecar.write(meta(), offer, validator);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder tail(int from) {
    return aResponse()
        .withStatus(206)
        .withHeader("ETag", "\"v1\"")
        .withHeader("Content-Range", "bytes " + from + "-9999/10000")
        .withBody(Arrays.copyOfRange(PAYLOAD, from, PAYLOAD.length));
  }

  @Test
  void resume_partialWithValidator_requestsTheRestAndIsByteExact() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, Arrays.copyOf(PAYLOAD, 4_000), "\"v1\"");
    server.stubFor(
        get("/data")
            .withHeader("Range", equalTo("bytes=4000-"))
            .withHeader("If-Range", equalTo("\"v1\""))
            .willReturn(tail(4_000)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_lastModifiedValidator_isSentAsIfRange() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    String date = "Tue, 01 Jan 2030 00:00:00 GMT";
    earlierAttempt(offer, Arrays.copyOf(PAYLOAD, 4_000), date);
    server.stubFor(
        get("/data")
            .withHeader("Range", equalTo("bytes=4000-"))
            .withHeader("If-Range", equalTo(date))
            .willReturn(tail(4_000)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void resume_serverSendsWholeFile_restartsCleanly() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    // Stale bytes from an older file under the same validator: a 200 must replace them all.
    earlierAttempt(offer, Fixtures.payload(4_000, 99), "\"old\"");
    server.stubFor(
        get("/data")
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v2\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(getRequestedFor(urlEqualTo("/data")).withHeader("Range", equalTo("bytes=4000-")));
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_partialContentWithWrongRange_restartsFromByteZero() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, Arrays.copyOf(PAYLOAD, 4_000), "\"v1\"");
    server.stubFor(
        get("/data").withHeader("Range", equalTo("bytes=4000-")).willReturn(tail(3_000)));
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(2, getRequestedFor(urlEqualTo("/data")));
  }

  @Test
  void resume_rangeNotSatisfiable_restartsFromByteZero() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, Arrays.copyOf(PAYLOAD, 4_000), "\"v1\"");
    server.stubFor(
        get("/data")
            .withHeader("Range", equalTo("bytes=4000-"))
            .willReturn(aResponse().withStatus(416)));
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(aResponse().withStatus(200).withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void resume_partialWithoutSidecar_isDiscarded() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    Files.write(part(), Fixtures.payload(4_000, 99));
    server.stubFor(
        get("/data").withHeader("Range", absent()).willReturn(aResponse().withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_sidecarThatIsALink_isNotTrusted() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    Files.write(part(), Arrays.copyOf(PAYLOAD, 4_000));
    Path elsewhere = dir.resolve("elsewhere.meta");
    Sidecar.write(elsewhere, offer, "\"v1\"");
    try {
      Files.createSymbolicLink(meta(), elsewhere);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }
    server.stubFor(
        get("/data").withHeader("Range", absent()).willReturn(aResponse().withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(1, getRequestedFor(urlEqualTo("/data")));
    assertThat(Sidecar.read(elsewhere, offer)).isEqualTo("\"v1\"");
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(NAME, "elsewhere.meta");
  }

  @Test
  void resume_sidecarOfAnotherRelease_isDiscarded() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    AvailableUpdate older =
        Fixtures.offer("my_data", "1.0", Fixtures.payload(10_000, 8), url("/data"));
    earlierAttempt(older, Arrays.copyOf(PAYLOAD, 4_000), "\"v1\"");
    server.stubFor(
        get("/data").withHeader("Range", absent()).willReturn(aResponse().withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void resume_completePartialThatVerifies_isMovedWithoutRequest() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, PAYLOAD, "\"v1\"");

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(0, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_afterConnectionResetMidBody_continuesInTheSameCallByteExact() throws IOException {
    try (ScriptedServer flaky = new ScriptedServer()) {
      flaky.answer(
          ScriptedServer.resetAfter(PAYLOAD, 6_000, "\"e1\""),
          ScriptedServer.partial(PAYLOAD, 6_000, "\"e1\""));
      AvailableUpdate offer = offer(flaky.uri("/data"));

      DownloadedUpdate d = client().download(offer, dir);

      assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
      assertThat(flaky.requests()).hasSize(2);
      assertThat(flaky.requests().get(0)).doesNotContainKey("range");
      assertThat(flaky.requests().get(1))
          .containsEntry("range", "bytes=6000-")
          .containsEntry("if-range", "\"e1\"");
      assertThat(time.sleeps()).hasSize(1);
      assertThat(Fixtures.files(dir)).containsExactly(NAME);
    }
  }

  @Test
  void resume_connectionResetOnEveryAttempt_keepsTheVerifiedPrefixForALaterCall()
      throws IOException {
    try (ScriptedServer flaky = new ScriptedServer()) {
      flaky.answer(ScriptedServer.resetAfter(PAYLOAD, 6_000, "\"e1\""));
      AvailableUpdate offer = offer(flaky.uri("/data"));
      UpdateClient once =
          Fixtures.client(server.baseUrl(), time).retryPolicy(RetryPolicy.none()).build();

      assertThatThrownBy(() -> once.download(offer, dir))
          .isInstanceOfSatisfying(
              DownloadException.class, e -> assertThat(e.reason()).startsWith("network error"));
      assertThat(Fixtures.files(dir))
          .containsExactly("." + NAME + ".part", "." + NAME + ".part.meta");
      assertThat(Files.readAllBytes(part())).isEqualTo(Arrays.copyOf(PAYLOAD, 6_000));

      flaky.answer(ScriptedServer.partial(PAYLOAD, 6_000, "\"e1\""));
      DownloadedUpdate d = once.download(offer, dir);

      assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
      assertThat(Fixtures.files(dir)).containsExactly(NAME);
    }
  }

  @Test
  void resume_afterCancellation_continuesOnTheNextCallByteExact() throws IOException {
    byte[] big = Fixtures.payload(1 << 20, 5);
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", big, url("/big"));
    server.stubFor(
        get("/big")
            .withHeader("Range", absent())
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"b1\"").withBody(big)));
    UpdateClient c = client();
    assertThatThrownBy(() -> c.download(offer, dir, p -> p.bytesDone() == 0))
        .isInstanceOf(DownloadCancelledException.class);
    int kept = (int) Files.size(part());
    assertThat(kept).isPositive().isLessThan(big.length);
    server.stubFor(
        get("/big")
            .withHeader("Range", equalTo("bytes=" + kept + "-"))
            .withHeader("If-Range", equalTo("\"b1\""))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Range", "bytes " + kept + "-" + (big.length - 1) + "/*")
                    .withBody(Arrays.copyOfRange(big, kept, big.length))));

    DownloadedUpdate d = c.download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(big);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_resumedBytesThatFailVerification_areDownloadedAgainFromByteZero() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    // A corrupt prefix under a matching validator (the sidecar reached the disk, the bytes did
    // not): only the final digest can tell, and the server is not to blame for it.
    earlierAttempt(offer, Fixtures.payload(4_000, 99), "\"v1\"");
    server.stubFor(
        get("/data").withHeader("Range", equalTo("bytes=4000-")).willReturn(tail(4_000)));
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(1, getRequestedFor(urlEqualTo("/data")).withHeader("Range", absent()));
    server.verify(2, getRequestedFor(urlEqualTo("/data")));
    assertThat(time.sleeps()).isEmpty();
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_freshBytesAlsoFailVerification_reportsBadChecksumOfTheFreshBytes()
      throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, Fixtures.payload(4_000, 99), "\"v1\"");
    byte[] wrong = Fixtures.payload(PAYLOAD.length, 98);
    server.stubFor(
        get("/data").withHeader("Range", equalTo("bytes=4000-")).willReturn(tail(4_000)));
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(wrong)));

    assertThatThrownBy(() -> client().download(offer, dir))
        .isInstanceOfSatisfying(
            ChecksumMismatchException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("bad checksum");
              assertThat(e.actual()).isEqualTo(Fixtures.sha512(wrong));
            });
    server.verify(2, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void resume_partialContentNamingAnotherEtag_restartsFromByteZero() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    earlierAttempt(offer, Arrays.copyOf(PAYLOAD, 4_000), "\"v1\"");
    // A server that ignores If-Range: a range of another version of the file.
    byte[] other = Fixtures.payload(PAYLOAD.length, 97);
    server.stubFor(
        get("/data")
            .withHeader("Range", equalTo("bytes=4000-"))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("ETag", "\"v2\"")
                    .withHeader("Content-Range", "bytes 4000-9999/10000")
                    .withBody(Arrays.copyOfRange(other, 4_000, other.length))));
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    server.verify(2, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void resume_interruptedWhileRehashingThePartial_keepsItForALaterCall() throws IOException {
    byte[] big = Fixtures.payload(300_000, 6);
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", big, url("/big"));
    byte[] prefix = Arrays.copyOf(big, 200_000);
    Files.write(part(), prefix);
    Sidecar.write(meta(), offer, "\"b1\"");
    byte[] sidecar = Files.readAllBytes(meta());
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(RetryPolicy.none())
            .checkpoints(
                (point, u) -> {
                  if (point == Downloader.Point.REHASHING) {
                    Thread.currentThread().interrupt();
                  }
                })
            .build();
    try {
      assertThatThrownBy(() -> c.download(offer, dir))
          .isInstanceOf(DownloadCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }

    assertThat(Fixtures.files(dir))
        .containsExactly("." + NAME + ".part", "." + NAME + ".part.meta");
    assertThat(Files.readAllBytes(part())).isEqualTo(prefix);
    assertThat(Files.readAllBytes(meta())).isEqualTo(sidecar);
    server.verify(0, getRequestedFor(urlEqualTo("/big")));
  }

  /** A client that is interrupted, as an application cancels, once it holds the lock. */
  private UpdateClient interruptedOnceLocked() {
    return Fixtures.client(server.baseUrl(), time)
        .retryPolicy(RetryPolicy.none())
        .checkpoints(
            (point, u) -> {
              if (point == Downloader.Point.LOCKED) {
                Thread.currentThread().interrupt();
              }
            })
        .build();
  }

  private void assertCancelledWithTheFlagSet(UpdateClient c, AvailableUpdate offer) {
    try {
      assertThatThrownBy(() -> c.download(offer, dir))
          .isInstanceOf(DownloadCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void resume_interruptedWhileCheckingTheFinalPath_keepsThePartialOfAnEarlierCall()
      throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    byte[] prefix = Arrays.copyOf(PAYLOAD, 6_000);
    earlierAttempt(offer, prefix, "\"v1\"");
    byte[] sidecar = Files.readAllBytes(meta());
    // A file of an older release at the final path, as a crashed installer may leave it: hashing
    // it is cut short by the interrupt.
    Files.write(dir.resolve(NAME), Fixtures.payload(PAYLOAD.length, 32));

    assertCancelledWithTheFlagSet(interruptedOnceLocked(), offer);

    assertThat(Files.readAllBytes(part())).isEqualTo(prefix);
    assertThat(Files.readAllBytes(meta())).isEqualTo(sidecar);
    server.verify(0, getRequestedFor(urlEqualTo("/data")));
  }

  @Test
  void resume_interruptedBeforeTheSidecarIsRead_keepsThePartialOfAnEarlierCall()
      throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    byte[] prefix = Arrays.copyOf(PAYLOAD, 6_000);
    earlierAttempt(offer, prefix, "\"v1\"");
    byte[] sidecar = Files.readAllBytes(meta());

    // Nothing at the final path: reading the sidecar is the first step the interrupt cuts short.
    assertCancelledWithTheFlagSet(interruptedOnceLocked(), offer);

    assertThat(Fixtures.files(dir))
        .containsExactly("." + NAME + ".part", "." + NAME + ".part.meta");
    assertThat(Files.readAllBytes(part())).isEqualTo(prefix);
    assertThat(Files.readAllBytes(meta())).isEqualTo(sidecar);
    server.verify(0, getRequestedFor(urlEqualTo("/data")));
  }

  @Test
  void resume_failureBeforeLookingAtThePartial_keepsThePartialOfAnEarlierCall()
      throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    byte[] prefix = Arrays.copyOf(PAYLOAD, 6_000);
    earlierAttempt(offer, prefix, "\"v1\"");
    Files.createDirectories(dir.resolve(NAME).resolve("x"));

    assertThatThrownBy(() -> client().download(offer, dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo("local I/O error: final path is not a regular file"));

    assertThat(Files.readAllBytes(part())).isEqualTo(prefix);
    assertThat(Sidecar.read(meta(), offer)).isEqualTo("\"v1\"");
  }

  @Test
  void resume_partialFileWithASecondName_isDownloadedAfreshAndTheOtherNameLeftAlone()
      throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    byte[] prefix = Arrays.copyOf(PAYLOAD, 4_000);
    Path victim = Files.write(dir.resolve("victim"), prefix);
    Fixtures.hardLink(part(), victim);
    Sidecar.write(meta(), offer, "\"v1\"");
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Files.isSameFile(d.path(), victim)).isFalse();
    assertThat(Files.readAllBytes(victim)).isEqualTo(prefix);
    server.verify(1, getRequestedFor(urlEqualTo("/data")));
  }

  @Test
  void resume_partialFileThatIsALink_isDownloadedAfreshAndItsTargetLeftAlone() throws IOException {
    AvailableUpdate offer = offer(url("/data"));
    byte[] prefix = Arrays.copyOf(PAYLOAD, 4_000);
    Path victim = Files.write(dir.resolve("victim"), prefix);
    try {
      Files.createSymbolicLink(part(), victim);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }
    Sidecar.write(meta(), offer, "\"v1\"");
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Files.readAllBytes(victim)).isEqualTo(prefix);
    assertThat(Fixtures.files(dir)).containsExactlyInAnyOrder(NAME, "victim");
  }

  // The timeout is a safety net only: before the fix, opening the FIFO blocked for ever with the
  // lock held; the download now completes without waiting for anything.
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void resume_fifoAtTheSidecarPath_isDownloadedAfresh() throws Exception {
    AvailableUpdate offer = offer(url("/data"));
    Files.write(part(), Arrays.copyOf(PAYLOAD, 100));
    Fixtures.mkfifo(meta());
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  // A safety net as above: a FIFO can block open(2) and read(2).
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void resume_fifoAtThePartialPath_isDownloadedAfresh() throws Exception {
    AvailableUpdate offer = offer(url("/data"));
    Fixtures.mkfifo(part());
    Sidecar.write(meta(), offer, "\"v1\"");
    server.stubFor(
        get("/data")
            .withHeader("Range", absent())
            .willReturn(
                aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(PAYLOAD)));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }
}
