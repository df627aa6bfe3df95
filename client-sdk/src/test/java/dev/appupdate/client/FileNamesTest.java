package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FileNamesTest {

  private static String nameOf(String type, String version) {
    return FileNames.finalName(
        Fixtures.offer(type, version, new byte[0], URI.create("https://h/evil/../../x.exe")));
  }

  private static String hash(String type, String version) {
    byte[] digest =
        HashFunction.SHA256
            .newDigest()
            .digest((type + "\0" + version).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 4);
  }

  @Test
  void finalName_isUpdateTypeVersionAndAHashOfThePair() {
    assertThat(nameOf("my_important_data", "1.0"))
        .isEqualTo("my_important_data-1.0-" + hash("my_important_data", "1.0"));
    assertThat(nameOf("gecko", "60.0.1esr+build2"))
        .isEqualTo("gecko-60.0.1esr+build2-" + hash("gecko", "60.0.1esr+build2"));
  }

  @Test
  void finalName_typeAndVersionThatJoinToTheSameText_differ() {
    assertThat(nameOf("dict", "en-1.0")).isNotEqualTo(nameOf("dict-en", "1.0"));
  }

  @Test
  void finalName_typesThatDifferOnlyInCase_differOnCaseInsensitiveFileSystems() {
    assertThat(nameOf("Data", "1.0")).isNotEqualToIgnoringCase(nameOf("data", "1.0"));
  }

  @Test
  void finalName_replacesUnsafeCharacters() {
    assertThat(nameOf("data", "1.0/../x")).matches("data-1\\.0_\\.\\._x-[0-9a-f]{8}");
    assertThat(nameOf("data", "1:0*?")).matches("data-1_0__-[0-9a-f]{8}");
  }

  @Test
  void finalName_distinctVersionsThatSanitizeAlike_stayDistinct() {
    assertThat(nameOf("data", "1/0")).isNotEqualTo(nameOf("data", "1\\0"));
  }

  @Test
  void finalName_neverEndsWithADot() {
    assertThat(nameOf("data", "1.")).matches("data-1\\.-[0-9a-f]{8}");
  }

  @Test
  void finalName_startingWithAWindowsDeviceName_getsAnUnderscore() {
    assertThat(nameOf("aux.data", "1")).matches("_aux\\.data-1-[0-9a-f]{8}");
    assertThat(nameOf("NUL.x", "2")).matches("_NUL\\.x-2-[0-9a-f]{8}");
    assertThat(nameOf("com1.db", "2")).startsWith("_com1.db-2-");
    // A dash follows the type, so a bare device name never forms the part before the first dot.
    assertThat(nameOf("con", "1.0")).matches("con-1\\.0-[0-9a-f]{8}");
    assertThat(nameOf("console.db", "1")).startsWith("console.db-1-");
  }

  @Test
  void finalName_longValues_areShortenedBeforeTheHash() {
    String name = nameOf("t".repeat(128), "9".repeat(200));

    assertThat(name).hasSize(120).matches("t{111}-[0-9a-f]{8}");
  }

  @Test
  void temporaryNames_areHiddenAndDerivedFromTheFinalName() {
    AvailableUpdate u = Fixtures.offer("data", "1.0", new byte[0], URI.create("https://h/x"));
    String name = FileNames.finalName(u);

    assertThat(FileNames.partName(name)).isEqualTo("." + name + ".part");
    assertThat(FileNames.metaName(name)).isEqualTo("." + name + ".part.meta");
    assertThat(FileNames.lockName(name)).isEqualTo("." + name + ".lock");
  }
}
