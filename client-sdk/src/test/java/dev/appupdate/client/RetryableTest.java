package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.client.DownloadException.Disposition;
import dev.appupdate.client.Retryable.Decision;
import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryableTest {
  private static final URI URL = URI.create("https://h/data");

  @Test
  void status_requestTimeoutTooManyRequestsAndServerErrors_areRetried() {
    assertThat(List.of(408, 429, 500, 502, 503, 504, 599))
        .allSatisfy(s -> assertThat(Retryable.status(s)).as("HTTP %d", s).isTrue());
  }

  @Test
  void status_everythingElse_isNotRetried() {
    assertThat(List.of(0, 200, 204, 206, 304, 400, 401, 403, 404, 407, 409, 416, 499, 600))
        .allSatisfy(s -> assertThat(Retryable.status(s)).as("HTTP %d", s).isFalse());
  }

  @Test
  void afterStatus_retriesTheSameUrlOrMovesToTheNext() {
    assertThat(Retryable.afterStatus(503)).isEqualTo(Disposition.RETRY);
    assertThat(Retryable.afterStatus(404)).isEqualTo(Disposition.NEXT_URL);
  }

  @Test
  void decision_networkFailuresAndTimeouts_areRetriedWithTheClientsOwnBackoff() {
    assertThat(Retryable.decision(new ConnectException("refused"))).isEqualTo(Decision.retry(null));
    assertThat(Retryable.decision(new HttpTimeoutException("slow")))
        .isEqualTo(Decision.retry(null));
    assertThat(Retryable.decision(new IOException("reset"))).isEqualTo(Decision.retry(null));
  }

  @Test
  void decision_interrupt_isNotRetried() {
    assertThat(Retryable.decision(new InterruptedIOException())).isEqualTo(Decision.STOP);
  }

  @Test
  void decision_serverErrorAnswer_isRetriedAfterTheWaitItAskedFor() {
    UpdateServerException busy =
        new UpdateServerException("busy", URL, 503, null, Duration.ofSeconds(7));
    UpdateServerException gone = new UpdateServerException("gone", URL, 404, null, null);

    assertThat(Retryable.decision(busy)).isEqualTo(Decision.retry(Duration.ofSeconds(7)));
    assertThat(Retryable.decision(gone)).isEqualTo(Decision.STOP);
  }

  @Test
  void decision_downloadStatus_followsTheSameStatusRule() {
    HttpStatusException busy = new HttpStatusException("busy", URL, 429, Duration.ofSeconds(3));
    HttpStatusException gone = new HttpStatusException("gone", URL, 404, null);

    assertThat(busy.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(Retryable.decision(busy)).isEqualTo(Decision.retry(Duration.ofSeconds(3)));
    assertThat(gone.disposition()).isEqualTo(Disposition.NEXT_URL);
    assertThat(Retryable.decision(gone)).isEqualTo(Decision.STOP);
  }

  @Test
  void decision_downloadFailures_retryOnlyTransfersThatBrokeOff() {
    assertThat(
            Retryable.decision(
                DownloadFailures.network(URL, 100, new IOException("connection reset"))))
        .isEqualTo(Decision.retry(null));
    assertThat(
            Retryable.decision(StalledTransferException.idle(URL, 1_000, Duration.ofSeconds(30))))
        .isEqualTo(Decision.retry(null));
    assertThat(Retryable.decision(SizeMismatchException.tooShort(10, 5, URL)))
        .isEqualTo(Decision.STOP);
    assertThat(
            Retryable.decision(
                new ChecksumMismatchException(HashFunction.SHA256, "aa", "bb", 10, URL)))
        .isEqualTo(Decision.STOP);
    assertThat(Retryable.decision(new DownloadCancelledException("cancelled")))
        .isEqualTo(Decision.STOP);
  }
}
