package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SidecarTest {
  private static final AvailableUpdate OFFER =
      Fixtures.offer("my_data", "1.0", Fixtures.payload(1_000, 3), URI.create("https://h/data"));

  @TempDir Path dir;

  private Path meta() {
    return dir.resolve(".data.part.meta");
  }

  @Test
  void read_whatWasWritten_isTheValidator() throws IOException {
    Sidecar.write(meta(), OFFER, "\"v1\"");

    assertThat(Sidecar.read(meta(), OFFER)).isEqualTo("\"v1\"");
    assertThat(Fixtures.files(dir)).containsExactly(".data.part.meta");
  }

  @Test
  void read_sidecarOfAnotherUpdate_isNone() throws IOException {
    Sidecar.write(meta(), OFFER, "\"v1\"");
    AvailableUpdate other =
        Fixtures.offer("my_data", "1.0", Fixtures.payload(1_000, 4), URI.create("https://h/data"));

    assertThat(Sidecar.read(meta(), other)).isNull();
  }

  @Test
  void read_overTheSizeLimit_isNone() throws IOException {
    Sidecar.write(meta(), OFFER, "\"v1\"");
    Files.writeString(meta(), "#" + "x".repeat(5_000) + "\n" + Files.readString(meta()));

    assertThat(Sidecar.read(meta(), OFFER)).isNull();
  }

  // The timeout is a safety net only: opening a FIFO for reading blocks until a writer comes,
  // which the fixed code never does.
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void read_fifo_isNoneAtOnce() throws Exception {
    Fixtures.mkfifo(meta());

    assertThat(Sidecar.read(meta(), OFFER)).isNull();
  }

  @Test
  void read_interrupted_isNotTakenForAMissingSidecar() throws IOException {
    Sidecar.write(meta(), OFFER, "\"v1\"");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Sidecar.read(meta(), OFFER))
          .isInstanceOf(ClosedByInterruptException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
