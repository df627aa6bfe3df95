package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogCommandTest {
  private static final String SHA512 = "ab".repeat(64);

  @TempDir Path dir;

  private Path catalog(String json) throws IOException {
    return Files.writeString(dir.resolve("catalog.json"), json);
  }

  private static String release(String product, String type, String version, String extra) {
    return "{\"product\": \"" + product + "\", \"update_type\": \"" + type + "\", \"version\": \""
        + version + "\", \"url\": \"files/" + type + "\", \"hash_function\": \"sha512\","
        + " \"hash_value\": \"" + SHA512 + "\", \"size\": 10" + extra + "}";
  }

  @Test
  void validCatalog_printsReleasesPerProductAndExits0() throws IOException {
    Path file =
        catalog(
            "{\"releases\": ["
                + release("your_app", "my_important_data", "1.0", "")
                + ", "
                + release("your_app", "my_important_data", "2.0", ", \"rollout_percent\": 25")
                + ", "
                + release("your_app", "fonts", "7", "")
                + ", "
                + release("other_app", "blocklist", "3", "")
                + "]}");

    CliRun run = CliRun.run("catalog", "validate", file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines())
        .containsExactly(
            file + ": valid, 4 releases of 2 products",
            "  other_app: 1 release, update types blocklist",
            "  your_app: 3 releases, update types fonts, my_important_data");
  }

  @Test
  void emptyCatalog_isValid() throws IOException {
    Path file = catalog("{\"releases\": []}");

    CliRun run = CliRun.run("catalog", "validate", file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).containsExactly(file + ": valid, 0 releases of 0 products");
  }

  @Test
  void invalidCatalog_listsEveryProblemWithItsPositionAndExits1() throws IOException {
    Path file =
        catalog(
            "{\"releases\": ["
                + release("your_app", "data", "1.0", "")
                + ", "
                + release("your_app", "data", "1", ", \"rollout\": 5")
                + ", "
                + "{\"product\": \"your_app\", \"update_type\": \"blob\", \"version\": \"2.0\","
                + " \"url\": \"ftp://example.com/b\", \"hash_function\": \"md5\","
                + " \"hash_value\": \"abc\", \"size\": -1}"
                + "]}");

    CliRun run = CliRun.run("catalog", "validate", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines())
        .containsExactly(
            "releases[1].rollout: unknown key; allowed: critical, halt, hash_function, hash_value,"
                + " match, mirrors, patches, paused, product, rollout_percent, signatures, size,"
                + " update_type, url, version",
            "releases[2].hash_function: unsupported hash function \"md5\"; allowed: sha256,"
                + " sha384, sha512",
            "releases[2].size: must not be negative, got -1",
            "releases[2].url: must be an absolute http or https URL or a relative path, got"
                + " scheme \"ftp\" in \"ftp://example.com/b\"",
            file + ": invalid, 4 problems");
  }

  @Test
  void duplicateRelease_isReportedAtTheLaterPosition() throws IOException {
    Path file =
        catalog(
            "{\"releases\": ["
                + release("your_app", "data", "1.0", "")
                + ", "
                + release("your_app", "data", "1", "")
                + "]}");

    CliRun run = CliRun.run("catalog", "validate", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "releases[1].version: duplicates releases[0] (your_app data 1.0): 1 and 1.0 are the"
                + " same version",
            file + ": invalid, 1 problem");
  }

  @Test
  void malformedJson_isOneProblemWithLineAndColumn() throws IOException {
    Path file = catalog("{\"releases\": [\n  {\"product\": }\n]}");

    CliRun run = CliRun.run("catalog", "validate", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines()).hasSize(2);
    assertThat(run.outLines().get(0)).startsWith("$: ").contains("line 2, column 15");
    assertThat(run.outLines().get(1)).isEqualTo(file + ": invalid, 1 problem");
  }

  @Test
  void missingFile_failsWithExit1() {
    Path missing = dir.resolve("nope.json");

    CliRun run = CliRun.run("catalog", "validate", missing.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("appupdate catalog: cannot read " + missing + ": no such file\n");
  }

  @Test
  void noSubcommand_isAUsageError() {
    CliRun run = CliRun.run("catalog");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: missing subcommand; expected validate, sign"
                + " (see 'appupdate catalog --help')\n");
  }

  @Test
  void misspelledSubcommand_isAUsageErrorSuggestingValidate() {
    CliRun run = CliRun.run("catalog", "validat", "catalog.json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: unknown subcommand \"validat\"; did you mean validate? (see"
                + " 'appupdate catalog --help')\n");
  }

  @Test
  void unknownSubcommand_isAUsageError() {
    CliRun run = CliRun.run("catalog", "check", "catalog.json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("appupdate catalog: unknown subcommand \"check\"; expected validate, sign");
  }

  @Test
  void noFile_isAUsageError() {
    CliRun run = CliRun.run("catalog", "validate");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog validate: missing FILE (see 'appupdate catalog validate"
                + " --help')\n");
  }
}
