package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseOptionsTest {
  private static final String URL = "jdbc:postgresql://db.internal:5432/appupdate";

  @TempDir Path dir;

  private Path passwordFile(String content, String permissions) throws Exception {
    Path file = dir.resolve("db.password");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void parse_withoutDatabase_keepsTheCompletionLog() throws Exception {
    assertThat(ServerCommand.parse(Map.of()).database()).isNull();
  }

  @Test
  void parse_databaseUserAndPasswordFile_giveTheStoresSettings() throws Exception {
    Path file = passwordFile("s3cret\nignored\n", "rw-------");

    PostgresCompletionStore.Settings s =
        ServerCommand.parse(
                Map.of(DatabaseOptions.PASSWORD_ENV, "from-env"),
                "--database",
                URL,
                "--database-user",
                "appupdate",
                "--database-password-file",
                file.toString(),
                "--completion-retention",
                "90d")
            .database();

    assertThat(s.url()).isEqualTo(URL);
    assertThat(s.user()).isEqualTo("appupdate");
    assertThat(s.password()).as("the file wins over the environment").isEqualTo("s3cret");
    assertThat(s.retention()).isEqualTo(Duration.ofDays(90));
    assertThat(s.toString()).doesNotContain("s3cret");
  }

  @Test
  void parse_withoutPasswordFile_takesThePasswordFromTheEnvironment() throws Exception {
    PostgresCompletionStore.Settings s =
        ServerCommand.parse(Map.of(DatabaseOptions.PASSWORD_ENV, "from-env"), "--database", URL)
            .database();

    assertThat(s.password()).isEqualTo("from-env");
    assertThat(s.retention()).isEqualTo(DatabaseOptions.DEFAULT_RETENTION);
  }

  @Test
  void parse_passwordFileReadableByOthers_isRefusedNamingTheFix() throws Exception {
    Path file = passwordFile("s3cret\n", "rw-r--r--");

    assertThatThrownBy(
            () ->
                ServerCommand.parse(
                    Map.of(), "--database", URL, "--database-password-file", file.toString()))
        .isInstanceOf(ServerCommand.UsageException.class)
        .hasMessageContaining("--database-password-file: " + file)
        .hasMessageContaining("is accessible to group or others (rw-r--r--)")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void parse_passwordFileALink_isRefused() throws Exception {
    Path target = passwordFile("s3cret\n", "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    assertThatThrownBy(
            () ->
                ServerCommand.parse(
                    Map.of(), "--database", URL, "--database-password-file", link.toString()))
        .hasMessageContaining("is not a regular file");
  }

  @Test
  void parse_passwordInTheUrlOrANonPostgresUrl_isRefused() {
    assertThatThrownBy(() -> ServerCommand.parse(Map.of(), "--database", URL + "?password=x"))
        .hasMessageContaining("--database: the URL must not carry a password");
    assertThatThrownBy(() -> ServerCommand.parse(Map.of(), "--database", "jdbc:mysql://h/db"))
        .hasMessageContaining("--database: must be a jdbc:postgresql://HOST:PORT/DATABASE URL");
  }

  @Test
  void parse_databaseUserWithoutDatabase_isRefused() {
    assertThatThrownBy(() -> ServerCommand.parse(Map.of(), "--database-user", "appupdate"))
        .hasMessageContaining("--database-user and --database-password-file need --database");
  }

  @Test
  void usage_listsTheDatabaseOptionsAndTheImportCommand() {
    assertThat(ServerCommand.usage())
        .contains(
            "--database=JDBC_URL",
            "--database-user=USER",
            "--database-password-file=FILE",
            "--completion-retention=AGE",
            "import-completions FILE");
    assertThat(ServerCommand.usage().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
  }
}
