package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  @TempDir Path dir;

  @Test
  void firstStart_creates32BytesReadableByTheOwnerOnly() throws Exception {
    byte[] key = KeyFile.loadOrCreate(dir);

    Path file = dir.resolve("request-id.key");
    assertThat(key).hasSize(32);
    assertThat(Files.readAllBytes(file)).isEqualTo(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var listing = Files.list(dir)) {
      assertThat(listing).containsExactly(file);
    }
  }

  @Test
  void restart_reusesTheKey() throws Exception {
    byte[] first = KeyFile.loadOrCreate(dir);

    assertThat(KeyFile.loadOrCreate(dir)).isEqualTo(first);
  }

  @Test
  void corruptKey_failsNamingFileAndRemedy() throws Exception {
    Files.write(dir.resolve("request-id.key"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> KeyFile.loadOrCreate(dir))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "request-id key file "
                + dir.resolve("request-id.key")
                + " is corrupt: it holds 3"
                + " bytes, not 32. Restore it (every replica must use the same key), or delete it"
                + " to create a new key, which invalidates every request id issued so far");
  }

  @Test
  void keyReadableByOthers_isUsedWithAWarning() throws Exception {
    Path file = dir.resolve("request-id.key");
    Files.write(file, new byte[32]);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(KeyFile.loadOrCreate(dir)).isEqualTo(new byte[32]);
      assertThat(log.messages())
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("WARNING request-id key file")
                      .contains("is readable by others (rw-r--r--)"));
    }
  }
}
