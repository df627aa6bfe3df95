package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ZipUnpackerTest {
  @TempDir Path dir;

  private final ZipUnpacker unpacker = ZipUnpacker.defaults();

  /** A zip of {@code entries} (name to content; a name ending in / is a directory). */
  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
      }
    }
    return bytes.toByteArray();
  }

  static byte[] zip(String... namesAndTexts) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      entries.put(namesAndTexts[i], namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return zip(entries);
  }

  /** The offset of the central directory header of {@code name}. */
  private static int central(byte[] zip, String name) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 + n.length <= zip.length; i++) {
      if (b.getInt(i) == 0x02014b50
          && Short.toUnsignedInt(b.getShort(i + 28)) == n.length
          && Arrays.equals(zip, i + 46, i + 46 + n.length, n, 0, n.length)) {
        return i;
      }
    }
    throw new AssertionError("no central header for " + name);
  }

  /** Marks {@code name} as made on Unix with file mode {@code mode}, as zip -y stores a link. */
  private static byte[] unixMode(byte[] zip, String name, int mode) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int at = central(zip, name);
    b.putShort(at + 4, (short) ((3 << 8) | 20));
    b.putInt(at + 38, mode << 16);
    return zip;
  }

  /** Replaces every occurrence of {@code from} by {@code to}, of the same length. */
  private static byte[] rename(byte[] zip, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = to.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + f.length <= zip.length; i++) {
      if (Arrays.equals(zip, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, zip, i, t.length);
      }
    }
    return zip;
  }

  private Path write(byte[] zip) throws IOException {
    return Files.write(Files.createTempFile(dir, "archive", ".zip"), zip);
  }

  private Path target() throws IOException {
    return Files.createTempDirectory(dir, "target");
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void unpack_plainArchive_writesEveryFileAndKeepsTheExecutableBit() throws IOException {
    byte[] zip =
        unixMode(
            zip("lib/", "", "lib/app.jar", "jar", "bin/run", "#!/bin/sh\n"), "bin/run", 0100755);
    Path target = target();

    unpacker.unpack(write(zip), target);

    assertThat(target.resolve("lib/app.jar")).hasContent("jar");
    assertThat(target.resolve("bin/run")).hasContent("#!/bin/sh\n").isExecutable();
    assertThat(Files.isExecutable(target.resolve("lib/app.jar"))).isFalse();
  }

  @Test
  void unpack_parentSegment_isRefusedAndWritesNothingOutside() throws IOException {
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(zip("ok.txt", "x", "../evil.txt", "x")), target))
        .isInstanceOf(IOException.class)
        .hasMessage("archive refused: entry '../evil.txt' escapes the directory");
    assertThat(dir.resolve("evil.txt")).doesNotExist();
    assertThat(target).as("checked before anything is written").isEmptyDirectory();
  }

  @Test
  void unpack_nestedParentSegment_isRefused() {
    assertThatThrownBy(() -> unpacker.unpack(write(zip("lib/../../evil", "x")), target()))
        .hasMessageContaining("escapes the directory");
  }

  @Test
  void unpack_absoluteOrWindowsNames_areRefused() {
    assertThatThrownBy(() -> unpacker.unpack(write(zip("/etc/evil", "x")), target()))
        .hasMessageContaining("is an absolute path");
    assertThatThrownBy(() -> unpacker.unpack(write(zip("..\\evil", "x")), target()))
        .hasMessageContaining("contains \\, : or NUL");
    assertThatThrownBy(() -> unpacker.unpack(write(zip("C:/evil", "x")), target()))
        .hasMessageContaining("contains \\, : or NUL");
    assertThatThrownBy(() -> unpacker.unpack(write(zip("lib/con.txt", "x")), target()))
        .hasMessageContaining("Windows cannot store");
  }

  @Test
  void unpack_symbolicLinkEntry_isRefused() throws IOException {
    byte[] zip = unixMode(zip("lib/link", "/etc/passwd"), "lib/link", 0120777);
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target))
        .hasMessage("archive refused: entry 'lib/link' is a symbolic link");
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void unpack_fifoEntry_isRefused() throws IOException {
    byte[] zip = unixMode(zip("pipe", ""), "pipe", 0010644);

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target()))
        .hasMessageContaining("'pipe' is a special file");
  }

  @Test
  void unpack_duplicateName_isRefused() throws IOException {
    byte[] zip = rename(zip("a.txt", "first", "b.txt", "second"), "b.txt", "a.txt");

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target()))
        .hasMessageContaining("'a.txt' is a duplicate");
  }

  @Test
  void unpack_namesDifferingOnlyInCase_areRefused() {
    assertThatThrownBy(() -> unpacker.unpack(write(zip("App.jar", "1", "app.jar", "2")), target()))
        .hasMessageContaining("'app.jar' is a duplicate");
  }

  @Test
  void unpack_zipBomb_isRefusedFromItsHeadersBeforeInflating() throws IOException {
    byte[] zeros = new byte[8 << 20];
    byte[] zip = zip(Map.of("bomb.bin", zeros));
    assertThat(zip.length).as("8 MiB of zeros deflate to a few KiB").isLessThan(40_000);
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target))
        .hasMessageMatching(
            "archive refused: entry 'bomb.bin' unpacks \\d+ bytes to 8388608 \\(more than"
                + " 200:1\\)");
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void unpack_entryLargerThanDeclared_isStoppedWhileWriting() throws IOException {
    byte[] content = "0123456789".repeat(100).getBytes(StandardCharsets.UTF_8);
    byte[] zip = zip(Map.of("lies.bin", content));
    // The central directory claims 10 bytes: a lying header cannot make the unpacker write more.
    ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(central(zip, "lies.bin") + 24, 10);
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target))
        .hasMessage("archive refused: entry 'lies.bin' is larger than its declared 10 bytes");
    assertThat(Files.size(target.resolve("lies.bin"))).isLessThanOrEqualTo(64 * 1024);
  }

  @Test
  void unpack_moreThanTheTotalLimit_isRefused() {
    ZipUnpacker small = new ZipUnpacker(1_000, 10, 200);

    assertThatThrownBy(
            () -> small.unpack(write(zip("a", "x".repeat(600), "b", "y".repeat(600))), target()))
        .hasMessage("archive refused: unpacks to more than 1000 bytes");
  }

  @Test
  void unpack_tooManyEntries_isRefused() {
    ZipUnpacker small = new ZipUnpacker(1_000, 2, 200);

    assertThatThrownBy(() -> small.unpack(write(zip("a", "", "b", "", "c", "")), target()))
        .hasMessage("archive refused: 3 entries, more than 2");
  }

  @Test
  void unpack_corruptedContent_failsItsCrc() throws IOException {
    byte[] zip =
        rename(zip(Map.of("a.txt", "hello".getBytes(StandardCharsets.UTF_8))), "hello", "jello");
    // ZipOutputStream stores deflated data: corrupt the stored CRC instead.
    CRC32 crc = new CRC32();
    crc.update("other".getBytes(StandardCharsets.UTF_8));
    ByteBuffer.wrap(zip)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(central(zip, "a.txt") + 16, (int) crc.getValue());

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target()))
        .hasMessage("archive refused: entry 'a.txt' does not match its declared size and CRC");
  }

  @Test
  void unpack_notAZip_isRefused() {
    assertThatThrownBy(
            () -> unpacker.unpack(write("not a zip".getBytes(StandardCharsets.UTF_8)), target()))
        .hasMessage("archive refused: not a zip file (no end of central directory)");
  }

  @Test
  void unpack_controlCharactersInAName_doNotReachTheMessage() {
    assertThatThrownBy(() -> unpacker.unpack(write(zip("../a\nb", "x")), target()))
        .hasMessage("archive refused: entry '../a?b' escapes the directory");
  }

  @Test
  void unpack_namesEqualAfterUnicodeNormalisation_areRefused() throws IOException {
    // é precomposed, then e and a combining acute: one name on macOS, which stores it as NFD.
    byte[] zip = zip("caf\u00e9.txt", "1", "cafe\u0301.txt", "2");

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target()))
        .hasMessageContaining("'cafe\u0301.txt' is a duplicate");
  }

  @Test
  void unpack_windowsDeviceNamesWithSuperscriptDigitsOrConsoleNames_areRefused() {
    for (String name : List.of("lib/COM\u00b9.jar", "conin$", "CONOUT$.txt", "lpt\u00b2")) {
      assertThatThrownBy(() -> unpacker.unpack(write(zip(name, "x")), target()))
          .as(name)
          .hasMessageContaining("has a segment Windows cannot store as named");
    }
  }

  @Test
  void unpack_localHeaderNamingAnotherFile_isRefusedBeforeWritingAnything() throws IOException {
    byte[] zip = zip("a.txt", "x", "b.txt", "y");
    // Only the central directory says c.txt: ZipFile would write c.txt, unzip b.txt.
    zip[central(zip, "b.txt") + 46] = 'c';
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(zip), target))
        .hasMessage("archive refused: entry 'c.txt' has another name in its local header");
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void unpack_centralDirectoryNotRightBeforeTheEndRecord_isRefused() throws IOException {
    // The checks and ZipFile would each read another central directory.
    byte[] zip = zip("a.txt", "x");
    int end = zip.length - 22;
    byte[] gapped =
        concat(Arrays.copyOf(zip, end), new byte[4], Arrays.copyOfRange(zip, end, zip.length));

    assertThatThrownBy(() -> unpacker.unpack(write(gapped), target()))
        .hasMessageStartingWith(
            "archive refused: central directory not where the end record says");
  }

  @Test
  void unpack_entriesSharingBytes_areRefusedAsABomb() throws IOException {
    // The quoted-overlap bomb: the data of "outer" holds the whole entry "inner", so every byte
    // of the archive is unpacked twice; with many such entries a small file fills a disk.
    byte[] inner = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] innerEntry = concat(localHeader("inner", inner), inner);
    byte[] outer = concat(localHeader("outer", innerEntry), innerEntry);
    int innerOffset = outer.length - innerEntry.length;
    byte[] cd =
        concat(centralHeader("outer", innerEntry, 0), centralHeader("inner", inner, innerOffset));
    ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) 2).putShort((short) 2).putInt(cd.length).putInt(outer.length);
    end.putShort((short) 0);
    Path target = target();

    assertThatThrownBy(() -> unpacker.unpack(write(concat(outer, cd, end.array())), target))
        .hasMessage("archive refused: entries overlap in the archive (a zip bomb)");
    assertThat(target).isEmptyDirectory();
  }

  private static byte[] localHeader(String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 10).putShort((short) 0).putShort((short) 0);
    b.putInt(0).putInt((int) crc(data)).putInt(data.length).putInt(data.length);
    b.putShort((short) n.length).putShort((short) 0).put(n);
    return b.array();
  }

  private static byte[] centralHeader(String name, byte[] data, int offset) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x02014b50).putShort((short) 10).putShort((short) 10).putShort((short) 0);
    b.putShort((short) 0).putInt(0).putInt((int) crc(data)).putInt(data.length);
    b.putInt(data.length).putShort((short) n.length).putShort((short) 0).putShort((short) 0);
    b.putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).put(n);
    return b.array();
  }

  private static long crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return crc.getValue();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
