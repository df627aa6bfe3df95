package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PartialFileTest {
  private static final URI URL = URI.create("https://h/data");
  private static final byte[] PAYLOAD = Fixtures.payload(200_000, 3);
  private static final AvailableUpdate OFFER = Fixtures.offer("my_data", "1.0", PAYLOAD, URL);

  @TempDir Path dir;

  private Path part() {
    return dir.resolve(".data.part");
  }

  private Path meta() {
    return dir.resolve(".data.part.meta");
  }

  private PartialFile newPart() {
    return new PartialFile(part(), meta(), OFFER);
  }

  /** A partial file started afresh, as a download without an earlier attempt starts it. */
  private PartialFile open() throws DownloadException {
    PartialFile p = newPart();
    assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
    return p;
  }

  /** Leaves what an interrupted earlier download leaves: the first {@code n} bytes, a sidecar. */
  private void earlierAttempt(int n) throws IOException {
    Files.write(part(), Arrays.copyOf(PAYLOAD, n));
    Sidecar.write(meta(), OFFER, "\"v1\"");
  }

  private static void append(PartialFile p, byte[] bytes, int from, int to)
      throws DownloadException {
    p.append(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, to)).asReadOnlyBuffer(), URL);
  }

  @Test
  void append_wholeBodyThenVerifyAndCommit_putsTheExactBytesAtTheTarget() throws IOException {
    Path target = dir.resolve("data");
    try (PartialFile p = open()) {
      p.begin("\"v1\"");
      append(p, PAYLOAD, 0, 70_000);
      append(p, PAYLOAD, 70_000, PAYLOAD.length);
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly("data");
  }

  @Test
  void append_pastTheDeclaredSize_writesNothingAndEmptiesTheFile() throws IOException {
    try (PartialFile p = open()) {
      p.begin("\"v1\"");
      append(p, PAYLOAD, 0, PAYLOAD.length - 1);
      byte[] tooMuch = new byte[2];

      assertThatThrownBy(() -> p.append(ByteBuffer.wrap(tooMuch), URL))
          .isInstanceOfSatisfying(
              SizeMismatchException.class,
              e -> assertThat(e.received()).isEqualTo(PAYLOAD.length + 1));
      assertThat(p.offset()).isZero();
      assertThat(Files.size(part())).isZero();
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void verify_missingBytes_isASizeMismatch() throws IOException {
    try (PartialFile p = open()) {
      p.begin(null);
      append(p, PAYLOAD, 0, 1_000);

      assertThatThrownBy(() -> p.verify(URL))
          .isInstanceOfSatisfying(
              SizeMismatchException.class, e -> assertThat(e.received()).isEqualTo(1_000));
      assertThat(p.offset()).isZero();
    }
  }

  @Test
  void verify_wrongBytes_isAChecksumMismatchWithTheirDigest() throws IOException {
    byte[] wrong = Fixtures.payload(PAYLOAD.length, 4);
    try (PartialFile p = open()) {
      p.begin("\"v1\"");
      append(p, wrong, 0, wrong.length);

      assertThatThrownBy(() -> p.verify(URL))
          .isInstanceOfSatisfying(
              ChecksumMismatchException.class,
              e -> assertThat(e.actual()).isEqualTo(Fixtures.sha512(wrong)));
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void close_bytesWithAValidator_areKeptWithTheirSidecar() throws IOException {
    try (PartialFile p = open()) {
      p.begin("\"v1\"");
      append(p, PAYLOAD, 0, 5_000);
    }

    assertThat(Files.readAllBytes(part())).isEqualTo(Arrays.copyOf(PAYLOAD, 5_000));
    assertThat(Sidecar.read(meta(), OFFER)).isEqualTo("\"v1\"");
  }

  @Test
  void close_bytesWithoutAValidator_areRemoved() throws IOException {
    try (PartialFile p = open()) {
      p.begin(null);
      append(p, PAYLOAD, 0, 5_000);
    }

    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void resume_keptPrefix_isRehashedAndContinuedByteExact() throws IOException {
    Files.write(part(), Arrays.copyOf(PAYLOAD, 150_000));
    Sidecar.write(meta(), OFFER, "\"v1\"");
    List<Downloader.Point> points = new ArrayList<>();
    Path target = dir.resolve("data");
    try (PartialFile p = newPart()) {
      assertThat(p.resume((point, u) -> points.add(point))).isFalse();
      assertThat(p.offset()).isEqualTo(150_000);
      assertThat(p.validator()).isEqualTo("\"v1\"");
      assertThat(points).isNotEmpty().containsOnly(Downloader.Point.REHASHING);

      append(p, PAYLOAD, 150_000, PAYLOAD.length);
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
  }

  @Test
  void resume_completeVerifiedFile_needsNoTransfer() throws IOException {
    Files.write(part(), PAYLOAD);
    Sidecar.write(meta(), OFFER, "\"v1\"");
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isTrue();
    }
  }

  @Test
  void resume_completeFileThatDoesNotVerify_isDropped() throws IOException {
    Files.write(part(), Fixtures.payload(PAYLOAD.length, 4));
    Sidecar.write(meta(), OFFER, "\"v1\"");
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(p.offset()).isZero();
      assertThat(p.validator()).isNull();
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void resume_withoutSidecar_dropsTheBytes() throws IOException {
    Files.write(part(), Arrays.copyOf(PAYLOAD, 5_000));
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(p.offset()).isZero();
      assertThat(Files.size(part())).isZero();
    }
  }

  @Test
  void dropUnresumable_bytesWithoutValidator_startOver() throws IOException {
    try (PartialFile p = open()) {
      p.begin(null);
      append(p, PAYLOAD, 0, 5_000);

      p.dropUnresumable();

      assertThat(p.offset()).isZero();
      assertThat(Files.size(part())).isZero();
    }
  }

  @Test
  void restart_bytesStillQueuedForWriting_neverReachTheFile() throws IOException {
    byte[] wrong = Fixtures.payload(PAYLOAD.length, 4);
    Path target = dir.resolve("data");
    try (PartialFile p = open()) {
      p.begin("\"v1\"");
      append(p, wrong, 0, 100_000);
      p.restart();
      p.begin("\"v2\"");
      append(p, PAYLOAD, 0, PAYLOAD.length);
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
  }

  @Test
  void append_manyBuffersPastTheWriteQueueLimit_areWrittenInOrderByteExact() throws IOException {
    // Several times what the write-behind queue holds, in buffers of the HTTP client's size.
    byte[] big = Fixtures.payload(3 * WriteBehind.LIMIT + 12_345, 9);
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", big, URL);
    Path target = dir.resolve("data");
    try (PartialFile p = new PartialFile(part(), meta(), offer)) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      p.begin("\"v1\"");
      for (int from = 0; from < big.length; from += 16_384) {
        append(p, big, from, Math.min(big.length, from + 16_384));
      }
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(big);
  }

  @Test
  void resume_partialFileWithASecondName_isReplacedAndTheOtherNameLeftAlone() throws IOException {
    // A prefix that would resume, but the file is also reachable under a name someone else chose.
    Path victim = Files.write(dir.resolve("victim"), Arrays.copyOf(PAYLOAD, 5_000));
    Fixtures.hardLink(part(), victim);
    Sidecar.write(meta(), OFFER, "\"v1\"");
    Path target = dir.resolve("data");
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(p.offset()).isZero();
      assertThat(p.validator()).isNull();
      p.begin("\"v1\"");
      append(p, PAYLOAD, 0, PAYLOAD.length);
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
    assertThat(Files.isSameFile(target, victim)).isFalse();
    assertThat(Files.readAllBytes(victim)).isEqualTo(Arrays.copyOf(PAYLOAD, 5_000));
  }

  @Test
  void resume_partialFileOfAnotherUser_isReplacedByAFileOfOurOwn() throws IOException {
    earlierAttempt(5_000);
    int mine;
    int other;
    try {
      mine = (Integer) Files.getAttribute(part(), "unix:uid", LinkOption.NOFOLLOW_LINKS);
      other = mine == 65534 ? 65533 : 65534;
      Files.setAttribute(part(), "unix:uid", other, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      Assumptions.abort("cannot give a file to another user here (POSIX and root only): " + e);
      return;
    }
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(p.offset()).isZero();
      assertThat(Files.getAttribute(part(), "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(mine);
      assertThat(Files.size(part())).isZero();
    }
  }

  // The timeout is a safety net only: a FIFO can block open(2) and read(2) for ever, which the
  // fixed code never calls on it.
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void resume_fifoAtThePartialPath_isReplacedByAnEmptyFile() throws Exception {
    Fixtures.mkfifo(part());
    Sidecar.write(meta(), OFFER, "\"v1\"");
    Path target = dir.resolve("data");
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(Files.isRegularFile(part(), LinkOption.NOFOLLOW_LINKS)).isTrue();
      p.begin("\"v1\"");
      append(p, PAYLOAD, 0, PAYLOAD.length);
      p.verify(URL);
      p.commitTo(target);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly("data");
  }

  @Test
  void resume_emptyDirectoryAtThePartialPath_isReplacedByAnEmptyFile() throws IOException {
    Files.createDirectory(part());
    Sidecar.write(meta(), OFFER, "\"v1\"");
    try (PartialFile p = newPart()) {
      assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
      assertThat(Files.isRegularFile(part(), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
  }

  @Test
  void resume_directoryWithContentAtThePartialPath_failsAsLocalErrorAndRemovesNothingInIt()
      throws IOException {
    Files.createDirectories(part().resolve("x"));
    try (PartialFile p = newPart()) {
      assertThatThrownBy(() -> p.resume(Downloader.Checkpoints.NONE))
          .isInstanceOfSatisfying(
              DownloadException.class,
              e -> assertThat(e.reason()).startsWith("local I/O error"));
    }
    assertThat(part().resolve("x")).isDirectory();
  }

  @Test
  void close_beforeTheSidecarWasRead_leavesAnEarlierAttemptAlone() throws IOException {
    earlierAttempt(5_000);
    byte[] sidecar = Files.readAllBytes(meta());

    newPart().close();

    assertThat(Files.readAllBytes(part())).isEqualTo(Arrays.copyOf(PAYLOAD, 5_000));
    assertThat(Files.readAllBytes(meta())).isEqualTo(sidecar);
  }

  @Test
  void resume_interruptedWhileReadingTheSidecar_isACancellationThatKeepsTheFiles()
      throws IOException {
    earlierAttempt(5_000);
    byte[] sidecar = Files.readAllBytes(meta());
    try (PartialFile p = newPart()) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> p.resume(Downloader.Checkpoints.NONE))
            .isInstanceOf(DownloadCancelledException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }

    assertThat(Files.readAllBytes(part())).isEqualTo(Arrays.copyOf(PAYLOAD, 5_000));
    assertThat(Files.readAllBytes(meta())).isEqualTo(sidecar);
  }

  @Test
  void discard_removesAnEarlierAttemptUnread() throws IOException {
    earlierAttempt(5_000);

    try (PartialFile p = newPart()) {
      p.discard();
    }

    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void commitTo_forcesTheFileOnceThenItsDirectory() throws Exception {
    Path downloads = Files.createDirectory(dir.resolve("downloads"));
    Path part = downloads.resolve(".data.part");
    Path target = downloads.resolve("data");

    List<String> forces =
        FileForces.during(
            dir,
            () -> {
              Path meta = downloads.resolve(".data.part.meta");
              try (PartialFile p = new PartialFile(part, meta, OFFER)) {
                assertThat(p.resume(Downloader.Checkpoints.NONE)).isFalse();
                p.begin("\"v1\"");
                append(p, PAYLOAD, 0, PAYLOAD.length);
                p.verify(URL);
                p.commitTo(target);
              }
            });

    assertThat(forces)
        .filteredOn(path -> path.startsWith(downloads.toString()))
        .containsExactly(part.toString(), downloads.toString());
    assertThat(Files.readAllBytes(target)).isEqualTo(PAYLOAD);
  }
}
