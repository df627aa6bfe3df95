package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  @TempDir Path dir;

  private byte[] load() throws IOException {
    return KeyFile.loadOrCreate(dir.resolve(KeyFile.NAME), dir.resolve(JsonlCompletionStore.NAME));
  }

  private byte[] load(KeyFile.Linker linker) throws IOException {
    return KeyFile.loadOrCreate(
        dir.resolve(KeyFile.NAME), dir.resolve(JsonlCompletionStore.NAME), linker);
  }

  @Test
  void firstStart_creates32BytesReadableByTheOwnerOnly() throws Exception {
    byte[] key = load();

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
    byte[] first = load();

    assertThat(load()).isEqualTo(first);
  }

  @Test
  void corruptKey_failsNamingFileAndRemedy() throws Exception {
    Files.write(dir.resolve("request-id.key"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> load())
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
      assertThat(load()).isEqualTo(new byte[32]);
      assertThat(log.messages())
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("WARNING request-id key file")
                      .contains("is readable by others (rw-r--r--)"));
    }
  }

  @Test
  void missingKeyNextToACompletionLogWithRecords_isRefusedSayingWhatToDo() throws Exception {
    Files.writeString(dir.resolve(JsonlCompletionStore.NAME), "{\"request_id\":\"x\"}\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "request-id key file "
                + dir.resolve(KeyFile.NAME)
                + " is missing, but the completion log "
                + dir.resolve(JsonlCompletionStore.NAME)
                + " holds completions: a new key would make every request id issued so far"
                + " invalid. Restore the key file (replicas share one, see --key), or move the"
                + " completion log away to start over with a new key");
    assertThat(dir.resolve(KeyFile.NAME)).doesNotExist();
  }

  @Test
  void missingKeyNextToRotatedCompletionFilesOnly_isRefused() throws Exception {
    Path rotated = dir.resolve("completions-20250601T100000Z.jsonl");
    Files.writeString(rotated, "{\"request_id\":\"x\"}\n");

    // As a crash between the rotation's rename and the new file leaves it: no active file.
    assertThatThrownBy(this::load)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the completion log " + rotated + " holds completions");
    // And as a rotation leaves it: an empty active file.
    Files.write(dir.resolve(JsonlCompletionStore.NAME), new byte[0]);
    assertThatThrownBy(this::load)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the completion log " + rotated + " holds completions");
    assertThat(dir.resolve(KeyFile.NAME)).doesNotExist();
  }

  @Test
  void missingKeyNextToAnEmptyCompletionLog_isCreated() throws Exception {
    Files.write(dir.resolve(JsonlCompletionStore.NAME), new byte[0]);

    assertThat(load()).hasSize(32);
  }

  @Test
  void keyFileElsewhere_isCreatedThere() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared")).resolve("replicas.key");

    byte[] key = KeyFile.loadOrCreate(shared, dir.resolve(JsonlCompletionStore.NAME));

    assertThat(Files.readAllBytes(shared)).isEqualTo(key);
    assertThat(dir.resolve(KeyFile.NAME)).doesNotExist();
  }

  @Test
  void linkDenied_failsWithoutRenamingAKeyIntoPlace() throws Exception {
    KeyFile.Linker denied =
        (link, existing) -> {
          throw new AccessDeniedException(link.toString());
        };

    assertThatThrownBy(() -> load(denied))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "cannot create request-id key file "
                + dir.resolve(KeyFile.NAME)
                + ": java.nio.file.AccessDeniedException");
    assertThat(dir.resolve(KeyFile.NAME)).doesNotExist();
    try (var listing = Files.list(dir)) {
      assertThat(listing).as("the temporary file is gone").isEmpty();
    }
  }

  @Test
  void linksUnsupported_fallsBackToARename() throws Exception {
    KeyFile.Linker unsupported =
        (link, existing) -> {
          throw new FileSystemException(
              link.toString(), existing.toString(), "Operation not permitted");
        };

    byte[] key = load(unsupported);

    assertThat(key).hasSize(32);
    assertThat(Files.readAllBytes(dir.resolve(KeyFile.NAME))).isEqualTo(key);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(KeyFile.NAME))))
        .isEqualTo("rw-------");
  }

  @Test
  void linksUnsupportedWhileAnotherServerCreatesTheKey_keepsTheOtherServersKey() throws Exception {
    byte[] theirs = new byte[32];
    Arrays.fill(theirs, (byte) 9);
    KeyFile.Linker raced =
        (link, existing) -> {
          writeOwnerOnly(link, theirs); // another server got there first, by its own rename
          throw new FileSystemException(
              link.toString(), existing.toString(), "Operation not permitted");
        };

    assertThat(load(raced)).isEqualTo(theirs);
    assertThat(Files.readAllBytes(dir.resolve(KeyFile.NAME))).isEqualTo(theirs);
  }

  @Test
  void linkRaceLost_usesTheKeyTheOtherServerLinked() throws Exception {
    byte[] theirs = new byte[32];
    Arrays.fill(theirs, (byte) 5);
    KeyFile.Linker raced =
        (link, existing) -> {
          writeOwnerOnly(link, theirs);
          throw new FileAlreadyExistsException(link.toString());
        };

    assertThat(load(raced)).isEqualTo(theirs);
  }

  private static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }
}
