package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two downloads of one update into one directory, in one JVM or in two processes: the first runs
 * to its end undisturbed, the second is refused and touches nothing. The first is held at a
 * checkpoint while the second runs, so every interleaving is fixed by the test, not by timing.
 */
class DownloadLockingTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final byte[] PAYLOAD = Fixtures.payload(10_000, 21);
  private static final String NAME = Fixtures.finalName("my_data", "1.0");

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  /** Holds a download at {@link Downloader.Point#VERIFIED} until released. */
  private static final class Pause implements Downloader.Checkpoints {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void reached(Downloader.Point point, AvailableUpdate update) throws IOException {
      if (point != Downloader.Point.VERIFIED) {
        return;
      }
      reached.countDown();
      try {
        // A bound for a broken test, never reached when the test works.
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test never released the paused download");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private AvailableUpdate offer() {
    server.stubFor(get("/data").willReturn(aResponse().withBody(PAYLOAD)));
    return Fixtures.offer("my_data", "1.0", PAYLOAD, URI.create(server.baseUrl() + "/data"));
  }

  private UpdateClient client(Downloader.Checkpoints checkpoints) {
    return Fixtures.client(server.baseUrl(), time)
        .retryPolicy(RetryPolicy.none())
        .checkpoints(checkpoints)
        .build();
  }

  /** Starts a download of {@code offer} that stops once its bytes are verified. */
  private Future<DownloadedUpdate> startPaused(AvailableUpdate offer, Pause pause)
      throws InterruptedException {
    UpdateClient first = client(pause);
    Future<DownloadedUpdate> running = executor.submit(() -> first.download(offer, dir));
    assertThat(pause.reached.await(30, TimeUnit.SECONDS)).isTrue();
    return running;
  }

  @Test
  void download_sameUpdateInAnotherThread_isRefusedAndTheFirstKeepsItsLock() throws Exception {
    AvailableUpdate offer = offer();
    Pause pause = new Pause();
    Future<DownloadedUpdate> first = startPaused(offer, pause);

    assertThatThrownBy(() -> client(Downloader.Checkpoints.NONE).download(offer, dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("download already running"));
    // On POSIX, closing any channel a process has on a file drops all its locks on that file, so a
    // refused attempt that opened the lock file would have freed it for other processes.
    assertThat(SecondProcess.tryLock(dir.resolve("." + NAME + ".lock"))).isEqualTo("busy");

    pause.release.countDown();
    DownloadedUpdate d = first.get(30, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
    server.verify(1, getRequestedFor(urlEqualTo("/data")));
  }

  @Test
  void download_sameUpdateInAnotherProcess_isRefusedWhileTheFirstMovesItsFileIntoPlace()
      throws Exception {
    AvailableUpdate offer = offer();
    Pause pause = new Pause();
    Future<DownloadedUpdate> first = startPaused(offer, pause);

    // The moment the first download used to let its lock go: verified, not yet renamed.
    assertThat(SecondProcess.download(dir, offer)).isEqualTo("failed: download already running");
    assertThat(Fixtures.files(dir)).containsExactly("." + NAME + ".lock", "." + NAME + ".part");

    pause.release.countDown();
    DownloadedUpdate d = first.get(30, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
    server.verify(1, getRequestedFor(urlEqualTo("/data")));
  }

  /**
   * Why the verified file needs no second hashing pass (see PartialFile#commitTo): while a download
   * has hashed bytes that are still on their way to the partial file, every other download of the
   * update, whatever bytes it would bring, is kept out of that file.
   */
  @Test
  void download_otherBytesForTheSameUpdateWhileTheFirstStreams_cannotReachItsFile()
      throws Exception {
    AvailableUpdate offer = offer();
    byte[] otherBytes = Fixtures.payload(PAYLOAD.length, 22);
    server.stubFor(get("/other").willReturn(aResponse().withBody(otherBytes)));
    AvailableUpdate other =
        Fixtures.offer("my_data", "1.0", otherBytes, URI.create(server.baseUrl() + "/other"));
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UpdateClient first = client(Downloader.Checkpoints.NONE);
    Future<DownloadedUpdate> running =
        executor.submit(
            () ->
                first.download(
                    offer,
                    dir,
                    progress -> {
                      if (progress.bytesDone() > 0 && streaming.getCount() > 0) {
                        streaming.countDown();
                        try {
                          // A bound for a broken test, never reached when the test works.
                          return release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return false;
                        }
                      }
                      return true;
                    }));
    assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(SecondProcess.download(dir, other)).isEqualTo("failed: download already running");
    assertThatThrownBy(() -> client(Downloader.Checkpoints.NONE).download(other, dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("download already running"));

    release.countDown();
    DownloadedUpdate d = running.get(30, TimeUnit.SECONDS);
    byte[] result = Files.readAllBytes(d.path());
    assertThat(result).isEqualTo(PAYLOAD);
    assertThat(Fixtures.sha512(result)).isEqualTo(d.offer().hashValue());
    server.verify(0, getRequestedFor(urlEqualTo("/other")));
  }

  @Test
  void download_whileAnotherProcessHoldsTheLock_isRefusedAndTouchesNothing() throws IOException {
    AvailableUpdate offer = offer();
    Files.write(dir.resolve("." + NAME + ".part"), new byte[] {1, 2, 3});
    UpdateClient client = client(Downloader.Checkpoints.NONE);

    try (SecondProcess.Running other = SecondProcess.holdLock(dir.resolve("." + NAME + ".lock"))) {
      assertThat(other.answer()).isEqualTo("locked");

      assertThatThrownBy(() -> client.download(offer, dir))
          .isInstanceOfSatisfying(
              DownloadException.class,
              e -> assertThat(e.reason()).isEqualTo("download already running"));
      assertThat(Files.readAllBytes(dir.resolve("." + NAME + ".part"))).containsExactly(1, 2, 3);
      server.verify(0, getRequestedFor(urlEqualTo("/data")));
    }

    DownloadedUpdate d = client.download(offer, dir);
    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(NAME);
  }

  @Test
  void tryAcquire_heldInThisJvm_isRefusedUntilClosed() throws IOException {
    Path file = dir.resolve(".x.lock");

    try (DownloadLock held = DownloadLock.tryAcquire(file)) {
      assertThat(held).isNotNull();
      assertThat(DownloadLock.tryAcquire(dir.resolve("./.x.lock"))).isNull();
      assertThat(file).exists();
    }

    assertThat(file).doesNotExist();
    try (DownloadLock again = DownloadLock.tryAcquire(file)) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void tryAcquire_throughALinkedDirectory_isTheSameLock() throws IOException {
    Path link = dir.resolve("link");
    Path real = Files.createDirectory(dir.resolve("real"));
    try {
      Files.createSymbolicLink(link, real);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }

    try (DownloadLock held = DownloadLock.tryAcquire(real.resolve(".x.lock"))) {
      assertThat(held).isNotNull();
      assertThat(DownloadLock.tryAcquire(link.resolve(".x.lock"))).isNull();
    }
  }

  @Test
  void tryAcquire_hardLinkAtTheLockPath_isReplacedAndItsTargetLeftAlone() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path file = dir.resolve(".x.lock");
    try {
      Files.createLink(file, victim);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no hard links here: " + e);
    }

    try (DownloadLock held = DownloadLock.tryAcquire(file)) {
      assertThat(held).isNotNull();
      assertThat(Files.isSameFile(file, victim)).isFalse();
    }

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Fixtures.files(dir)).containsExactly("victim.txt");
  }

  @Test
  void download_hardLinkAtTheLockPath_leavesItsTargetAlone() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    try {
      Files.createLink(dir.resolve(FileNames.lockName(NAME)), victim);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no hard links here: " + e);
    }

    DownloadedUpdate d = client(Downloader.Checkpoints.NONE).download(offer(), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Fixtures.files(dir)).containsExactly(NAME, "victim.txt");
  }

  @Test
  void tryAcquire_linkAtTheLockPath_isReplacedAndItsTargetLeftAlone() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path file = dir.resolve(".x.lock");
    try {
      Files.createSymbolicLink(file, victim);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }

    try (DownloadLock held = DownloadLock.tryAcquire(file)) {
      assertThat(held).isNotNull();
      assertThat(Files.isSymbolicLink(file)).isFalse();
    }

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Fixtures.files(dir)).containsExactly("victim.txt");
  }
}
