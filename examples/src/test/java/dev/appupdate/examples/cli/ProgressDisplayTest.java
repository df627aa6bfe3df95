package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  private static final URI URL = URI.create("https://cdn.example.com/data.json");
  private static final URI MIRROR = URI.create("https://mirror.example.org/data.json");
  private static final AvailableUpdate DATA =
      AvailableUpdate.builder()
          .updateType("my_important_data")
          .url(URL)
          .hashFunction(HashFunction.SHA512)
          .hashValue("a2".repeat(64))
          .size(2048)
          .version("1.0")
          .build();
  private static final AvailableUpdate BLOB =
      AvailableUpdate.builder()
          .updateType("my_important_binary_blob")
          .url(URL)
          .hashFunction(HashFunction.SHA512)
          .hashValue("b2".repeat(64))
          .size(1000)
          .version("2.0")
          .build();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long nanos;

  private ProgressDisplay display(boolean terminal) {
    return new ProgressDisplay(out, terminal, () -> nanos);
  }

  private static ProgressDisplay.Snapshot at(
      AvailableUpdate update, URI url, long done, long rate) {
    return new ProgressDisplay.Snapshot(update, url, done, rate);
  }

  private void advanceMillis(long millis) {
    nanos += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void terminal_redrawsOneLineWithABarAndEndsItWhenDone() {
    ProgressDisplay display = display(true);

    display.show(at(DATA, URL, 0, 0));
    advanceMillis(200);
    display.show(at(DATA, URL, 1024, 5120));
    advanceMillis(200);
    display.show(at(DATA, URL, 2048, 5120));

    assertThat(printed())
        .isEqualTo(
            "\rmy_important_data 1.0 [------------------------------]   0% 0 B of 2.0 KiB"
                + "\rmy_important_data 1.0 [###############---------------]  50% 1.0 KiB of"
                + " 2.0 KiB, 5.0 KiB/s"
                + "\rmy_important_data 1.0 [##############################] 100% 2.0 KiB of"
                + " 2.0 KiB, 5.0 KiB/s\n");
  }

  @Test
  void terminal_skipsRedrawsWithinTheThrottleInterval() {
    ProgressDisplay display = display(true);
    display.show(at(DATA, URL, 0, 0));

    for (int i = 1; i < 10; i++) {
      advanceMillis(ProgressDisplay.REDRAW_MILLIS / 10);
      display.show(at(DATA, URL, i, 0));
    }
    advanceMillis(ProgressDisplay.REDRAW_MILLIS / 10);
    display.show(at(DATA, URL, 10, 0));

    assertThat(printed().chars().filter(c -> c == '\r')).hasSize(2);
  }

  @Test
  void terminal_shorterLineWipesTheRestOfTheLongerOne() {
    ProgressDisplay display = display(true);
    display.show(at(DATA, URL, 1024, 5120));
    String first = printed().substring(1);

    advanceMillis(ProgressDisplay.REDRAW_MILLIS);
    display.show(at(DATA, URL, 1100, 0));

    String second = printed().substring(first.length() + 2);
    assertThat(second).hasSize(first.length()).endsWith(" ");
  }

  @Test
  void terminal_finishEndsALineLeftOpenByAFailedDownload() {
    ProgressDisplay display = display(true);
    display.show(at(DATA, URL, 1024, 0));

    display.finish();
    display.finish();

    assertThat(printed()).endsWith("KiB\n").doesNotEndWith("\n\n");
  }

  @Test
  void terminal_nextUpdateStartsOnANewLine() {
    ProgressDisplay display = display(true);
    display.show(at(DATA, URL, 1024, 0));

    display.show(at(BLOB, URL, 0, 0));

    assertThat(printed()).contains("2.0 KiB\n\rmy_important_binary_blob 2.0 [");
  }

  @Test
  void plain_printsAStartLineThenAtMostOneLineEveryFewSecondsThenTheEnd() {
    ProgressDisplay display = display(false);

    display.show(at(DATA, URL, 0, 0));
    advanceMillis(1000);
    display.show(at(DATA, URL, 512, 512));
    advanceMillis(TimeUnit.SECONDS.toMillis(ProgressDisplay.PLAIN_SECONDS));
    display.show(at(DATA, URL, 1024, 512));
    advanceMillis(1000);
    display.show(at(DATA, URL, 1536, 512));
    display.show(at(DATA, URL, 2048, 512));

    assertThat(printed().lines())
        .containsExactly(
            "downloading my_important_data 1.0 (2.0 KiB) from " + URL,
            "my_important_data 1.0:  50% 1.0 KiB of 2.0 KiB, 512 B/s",
            "my_important_data 1.0: 2.0 KiB received");
    assertThat(printed()).doesNotContain("\r");
  }

  @Test
  void plain_switchToAMirrorIsAnnounced() {
    ProgressDisplay display = display(false);

    display.show(at(DATA, URL, 0, 0));
    display.show(at(DATA, MIRROR, 0, 0));

    assertThat(printed().lines())
        .containsExactly(
            "downloading my_important_data 1.0 (2.0 KiB) from " + URL,
            "trying my_important_data 1.0 (2.0 KiB) from " + MIRROR);
  }

  @Test
  void plain_emptyUpdateIsReceivedAtOnce() {
    AvailableUpdate empty =
        AvailableUpdate.builder()
            .updateType("empty")
            .url(URL)
            .hashFunction(HashFunction.SHA512)
            .hashValue("c2".repeat(64))
            .size(0)
            .version("1")
            .build();

    display(false).show(at(empty, URL, 0, 0));

    assertThat(printed().lines())
        .containsExactly("downloading empty 1 (0 B) from " + URL, "empty 1: 0 B received");
  }

  @Test
  void show_neverCancels() {
    assertThat(display(true).show(at(DATA, URL, 0, 0))).isTrue();
    assertThat(display(false).show(at(DATA, URL, 2048, 0))).isTrue();
  }

  @Test
  void human_usesBinaryUnitsWithOneDecimal() {
    assertThat(ProgressDisplay.human(0)).isEqualTo("0 B");
    assertThat(ProgressDisplay.human(1023)).isEqualTo("1023 B");
    assertThat(ProgressDisplay.human(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressDisplay.human(5L * 1024 * 1024)).isEqualTo("5.0 MiB");
    assertThat(ProgressDisplay.human(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }
}
