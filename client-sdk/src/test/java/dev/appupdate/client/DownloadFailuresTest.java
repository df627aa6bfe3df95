package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.client.DownloadException.Disposition;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownloadFailuresTest {
  private static final URI URL = URI.create("https://h/data");
  private static final URI MIRROR = URI.create("https://m/data");

  private static DownloadException network(URI url) {
    return DownloadFailures.network(url, 0, new IOException("connection reset"));
  }

  @Test
  void network_timeoutAndOtherFailures_haveTheirOwnReasonAndAreRetried() {
    DownloadException timeout = DownloadFailures.network(URL, 7, new HttpTimeoutException("late"));
    DownloadException reset = network(URL);

    assertThat(timeout.reason()).isEqualTo("timeout: late");
    assertThat(timeout).hasMessage("GET " + URL + " failed at byte 7: late");
    assertThat(reset.reason()).isEqualTo("network error: connection reset");
    assertThat(List.of(timeout.disposition(), reset.disposition())).containsOnly(Disposition.RETRY);
  }

  @Test
  void local_interruptDuringAFileStep_isACancellationWithTheFlagSet() {
    try {
      DownloadException e = DownloadFailures.local(Path.of("x"), new ClosedByInterruptException());

      assertThat(e).isInstanceOf(DownloadCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void local_otherFailure_stopsTheDownload() {
    DownloadException e = DownloadFailures.local(Path.of("x"), new IOException("disk full"));

    assertThat(e.reason()).isEqualTo("local I/O error: disk full");
    assertThat(e.disposition()).isEqualTo(Disposition.STOP);
  }

  @Test
  void local_failureNamingAPath_keepsThePathOutOfTheReason() {
    Path file = Path.of("/home/alice/app/updates/.data.part");
    String parent = file.getParent().toString();
    // The reason goes to the server in the completion report; the path names the user.
    List<IOException> failures =
        List.of(
            new NoSuchFileException(file.toString()),
            new AccessDeniedException(file.toString()),
            new FileAlreadyExistsException(file.toString()),
            new FileSystemException(file.toString(), null, "No space left on device"),
            new DirectoryNotEmptyException(parent),
            new IOException("cannot create " + file));

    assertThat(failures)
        .extracting(f -> DownloadFailures.local(file, f))
        .allSatisfy(e -> assertThat(e).hasMessageContaining(file.toString()))
        .extracting(DownloadException::reason)
        .containsExactly(
            "local I/O error: no such file",
            "local I/O error: permission denied",
            "local I/O error: file exists",
            "local I/O error: No space left on device",
            "local I/O error: I/O error",
            "local I/O error: I/O error");
  }

  @Test
  void alreadyRunning_isReportedAsCancelledNotAsAFailedDownload() {
    AvailableUpdate offer =
        Fixtures.offer("my_important_data", "1.0", new byte[] {1}, URL);

    DownloadException e =
        DownloadFailures.alreadyRunning(offer, Path.of("dir"), Path.of("dir/.lock"));

    // download_failed would count a second process that stood aside as a network failure.
    assertThat(e.reason()).isEqualTo("download already running");
    assertThat(e.failureCode()).isEqualTo(FailureCode.CANCELLED);
    assertThat(e).isNotInstanceOf(DownloadCancelledException.class);
  }

  @Test
  void mostTelling_checksumMismatchBeatsSizeMismatchBeatsTheRest() {
    DownloadException first = network(URL);
    DownloadException size = SizeMismatchException.tooShort(10, 5, URL);
    DownloadException checksum =
        new ChecksumMismatchException(HashFunction.SHA256, "aa", "bb", 10, MIRROR);

    DownloadException thrown = DownloadFailures.mostTelling(List.of(first, size, checksum));

    assertThat(thrown).isSameAs(checksum);
    assertThat(thrown.getSuppressed()).containsExactly(first, size);
  }

  @Test
  void mostTelling_amongEquals_isTheFirst() {
    DownloadException first = network(URL);
    DownloadException second = network(MIRROR);

    assertThat(DownloadFailures.mostTelling(List.of(first, second))).isSameAs(first);
  }

  @Test
  void mostTelling_failureThatEndedTheDownload_winsOverEarlierMismatches() {
    DownloadException checksum =
        new ChecksumMismatchException(HashFunction.SHA256, "aa", "bb", 10, URL);
    DownloadException cancelled = new DownloadCancelledException("cancelled");

    DownloadException thrown = DownloadFailures.mostTelling(List.of(checksum, cancelled));

    assertThat(thrown).isSameAs(cancelled);
    assertThat(thrown.getSuppressed()).containsExactly(checksum);
  }
}
