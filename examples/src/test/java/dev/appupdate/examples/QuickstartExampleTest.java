package dev.appupdate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartExampleTest {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 70_000, 2);

  @TempDir Path home;

  /** Runs the example's main against {@code server} and returns what it printed. */
  private String runQuickstart(ServedCatalog server) throws Exception {
    String[] args = {
      server.baseUrl().toString(), "your_app", "666", "macOS", "en-US", home.toString()
    };
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      QuickstartExample.main(args);
    } finally {
      System.setOut(original);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void main_installsEveryVerifiedUpdateAndReportsSuccess() throws Exception {
    try (ServedCatalog server = ServedCatalog.start(DATA, BLOB)) {
      String printed = runQuickstart(server);

      assertThat(home.resolve("installed/my_important_data")).hasBinaryContent(DATA.bytes());
      assertThat(home.resolve("installed/my_important_binary_blob"))
          .hasBinaryContent(BLOB.bytes());
      assertThat(home.resolve("installation-id")).isRegularFile();
      assertThat(server.completions())
          .singleElement()
          .satisfies(
              report ->
                  assertThat(report.updates())
                      .isEqualTo(
                          Map.of(
                              "my_important_data", Outcome.success("1.0"),
                              "my_important_binary_blob", Outcome.success("2.0"))));
      assertThat(printed.lines())
          .containsExactly(
              "my_important_binary_blob 2.0 installed",
              "my_important_data 1.0 installed",
              "reported to the server");
    }
  }

  @Test
  void main_secondRun_sendsTheInstalledVersionsAndDownloadsNothingAgain() throws Exception {
    try (ServedCatalog server = ServedCatalog.start(DATA, BLOB)) {
      runQuickstart(server);

      String second = runQuickstart(server);

      assertThat(second.lines()).containsExactly("no update available");
      assertThat(server.completions()).hasSize(1);
      assertThat(home.resolve("installed/my_important_data")).hasBinaryContent(DATA.bytes());
      Properties installed = new Properties();
      try (Reader in = Files.newBufferedReader(home.resolve("installed.properties"))) {
        installed.load(in);
      }
      assertThat(installed)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("my_important_data", "1.0", "my_important_binary_blob", "2.0"));
    }
  }

  @Test
  void main_newerReleaseAfterAnInstall_downloadsOnlyTheNewerOne() throws Exception {
    ServedCatalog.Offered data2 = ServedCatalog.release("my_important_data", "2.0", 2345, 3);
    try (ServedCatalog server = ServedCatalog.start(DATA, BLOB)) {
      runQuickstart(server);
    }
    try (ServedCatalog server = ServedCatalog.start(data2, BLOB)) {
      String printed = runQuickstart(server);

      assertThat(printed.lines())
          .containsExactly("my_important_data 2.0 installed", "reported to the server");
      assertThat(home.resolve("installed/my_important_data")).hasBinaryContent(data2.bytes());
    }
  }

  @Test
  void main_tamperedFile_installsNothingAndReportsBadChecksum() throws Exception {
    try (ServedCatalog server = ServedCatalog.start(DATA)) {
      byte[] tampered = DATA.bytes().clone();
      tampered[10] ^= 1;
      server.tamper(DATA, tampered);

      String printed = runQuickstart(server);

      assertThat(home.resolve("installed")).doesNotExist();
      try (Stream<Path> downloads = Files.list(home.resolve("downloads"))) {
        assertThat(downloads).isEmpty();
      }
      Outcome outcome = server.completions().get(0).updates().get("my_important_data");
      assertThat(outcome.status()).isEqualTo(Outcome.Status.FAILED);
      assertThat(outcome.reason()).isEqualTo(Outcome.BAD_CHECKSUM);
      assertThat(printed).contains("my_important_data 1.0 failed: bad checksum");
    }
  }

  @Test
  void main_nothingOffered_saysSoAndInstallsNothing() throws Exception {
    try (ServedCatalog server = ServedCatalog.start()) {
      String printed = runQuickstart(server);

      assertThat(printed.lines()).containsExactly("no update available");
      assertThat(home.resolve("installed")).doesNotExist();
      assertThat(server.completions()).isEmpty();
    }
  }
}
