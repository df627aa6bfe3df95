package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import java.net.URI;
import org.junit.jupiter.api.Test;

class FileNamesTest {

  private static String nameOf(String type, String version) {
    return FileNames.finalName(
        Fixtures.offer(type, version, new byte[0], URI.create("https://h/evil/../../x.exe")));
  }

  @Test
  void finalName_isUpdateTypeAndVersion() {
    assertThat(nameOf("my_important_data", "1.0")).isEqualTo("my_important_data-1.0");
    assertThat(nameOf("gecko", "60.0.1esr+build2")).isEqualTo("gecko-60.0.1esr+build2");
  }

  @Test
  void finalName_replacesUnsafeCharactersAndAddsAHash() {
    assertThat(nameOf("data", "1.0/../x")).matches("data-1\\.0_\\.\\._x-[0-9a-f]{8}");
    assertThat(nameOf("data", "1:0*?")).matches("data-1_0__-[0-9a-f]{8}");
  }

  @Test
  void finalName_distinctVersionsThatSanitizeAlike_stayDistinct() {
    assertThat(nameOf("data", "1/0")).isNotEqualTo(nameOf("data", "1\\0"));
  }

  @Test
  void finalName_trailingDot_isReplaced() {
    assertThat(nameOf("data", "1.")).matches("data-1_-[0-9a-f]{8}");
  }

  @Test
  void finalName_longValues_areShortened() {
    String name = nameOf("t".repeat(128), "9".repeat(200));

    assertThat(name).hasSize(120).matches("t+-[0-9a-f]{8}");
  }

  @Test
  void temporaryNames_areHiddenAndDerivedFromTheFinalName() {
    AvailableUpdate u = Fixtures.offer("data", "1.0", new byte[0], URI.create("https://h/x"));
    String name = FileNames.finalName(u);

    assertThat(FileNames.partName(name)).isEqualTo(".data-1.0.part");
    assertThat(FileNames.metaName(name)).isEqualTo(".data-1.0.part.meta");
  }
}
