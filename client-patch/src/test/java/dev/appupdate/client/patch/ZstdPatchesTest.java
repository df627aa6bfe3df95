package dev.appupdate.client.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZstdPatchesTest {
  @TempDir Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** 1 MiB of random bytes, and the same with 4 KiB changed in the middle and 8 KiB appended. */
  private Path[] pair() throws IOException {
    byte[] old = random(1 << 20, 1);
    byte[] changed = Arrays.copyOf(old, old.length + 8192);
    System.arraycopy(random(4096, 2), 0, changed, 500_000, 4096);
    System.arraycopy(random(8192, 3), 0, changed, old.length, 8192);
    return new Path[] {
      Files.write(dir.resolve("old"), old), Files.write(dir.resolve("new"), changed)
    };
  }

  private byte[] apply(Path base, Path patch, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ZstdPatches.apply(base, patch, size, out);
    return out.toByteArray();
  }

  @Test
  void createThenApply_rebuildsTheNewFileFromASmallPatch() throws IOException {
    Path[] p = pair();
    Path patch = dir.resolve("patch.zst");

    ZstdPatches.create(p[0], p[1], patch, 3);

    assertThat(Files.size(patch)).isLessThan(20_000);
    assertThat(apply(p[0], patch, Files.size(p[1]))).isEqualTo(Files.readAllBytes(p[1]));
  }

  @Test
  void apply_otherBase_failsInsteadOfRebuilding() throws IOException {
    Path[] p = pair();
    Path patch = dir.resolve("patch.zst");
    ZstdPatches.create(p[0], p[1], patch, 3);
    byte[] other = Files.readAllBytes(p[0]);
    other[100_000] ^= 1;
    Path otherBase = Files.write(dir.resolve("other"), other);

    // The frame's checksum covers the rebuilt bytes: a base that differs shows at the end.
    assertThatThrownBy(() -> apply(otherBase, patch, Files.size(p[1])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("patch does not apply");
  }

  @Test
  void apply_sizeOtherThanTheFrameDeclares_isRefusedBeforeDecoding() throws IOException {
    Path[] p = pair();
    Path patch = dir.resolve("patch.zst");
    ZstdPatches.create(p[0], p[1], patch, 3);

    assertThatThrownBy(() -> apply(p[0], patch, 5))
        .isInstanceOf(IOException.class)
        .hasMessage("patch rebuilds " + Files.size(p[1]) + " bytes, expected 5");
  }

  @Test
  void apply_notAZstdFrame_isRefused() throws IOException {
    Path[] p = pair();
    Path junk = Files.write(dir.resolve("junk"), random(1000, 9));

    assertThatThrownBy(() -> apply(p[0], junk, 10))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("not a zstd frame");
  }

  @Test
  void apply_truncatedOrTrailingBytes_isRefused() throws IOException {
    Path[] p = pair();
    Path patch = dir.resolve("patch.zst");
    ZstdPatches.create(p[0], p[1], patch, 3);
    byte[] frame = Files.readAllBytes(patch);
    Path truncated = Files.write(dir.resolve("t"), Arrays.copyOf(frame, frame.length - 10));
    Path trailing = Files.write(dir.resolve("x"), Arrays.copyOf(frame, frame.length + 3));
    long size = Files.size(p[1]);

    assertThatThrownBy(() -> apply(p[0], truncated, size)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> apply(p[0], trailing, size))
        .isInstanceOf(IOException.class)
        .hasMessage("3 bytes after the patch's frame");
  }

  /** Calls {@code action} before the first byte it passes on; the bytes go to {@code out}. */
  private static OutputStream onFirstWrite(ByteArrayOutputStream out, IoAction action) {
    return new OutputStream() {
      boolean first = true;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (first) {
          first = false;
          action.run();
        }
        out.write(b, off, len);
      }
    };
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** 4 MiB of random bytes, and the same in reverse order of 64 KiB blocks, all from the base. */
  private Path[] shuffledPair() throws IOException {
    byte[] old = random(4 << 20, 11);
    byte[] shuffled = new byte[old.length];
    int block = 64 * 1024;
    for (int i = 0; i < old.length / block; i++) {
      System.arraycopy(old, i * block, shuffled, old.length - (i + 1) * block, block);
    }
    return new Path[] {
      Files.write(dir.resolve("old"), old), Files.write(dir.resolve("new"), shuffled)
    };
  }

  @Test
  void apply_baseTruncatedWhileApplying_stillRebuildsAndDoesNotCrashTheJvm() throws IOException {
    // A mapped base that shrinks under the decoder raises SIGBUS, which ends the process.
    Path[] p = shuffledPair();
    Path patch = dir.resolve("patch.zst");
    ZstdPatches.create(p[0], p[1], patch, 3);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();

    ZstdPatches.apply(
        p[0],
        patch,
        Files.size(p[1]),
        onFirstWrite(rebuilt, () -> Files.write(p[0], new byte[0])));

    assertThat(rebuilt.toByteArray()).isEqualTo(Files.readAllBytes(p[1]));
  }

  @Test
  void apply_patchTruncatedWhileApplying_failsAndDoesNotCrashTheJvm() throws IOException {
    // Random new bytes make a patch of several read chunks, so most of it is read after the cut.
    Path old = Files.write(dir.resolve("old"), random(1 << 20, 12));
    Path next = Files.write(dir.resolve("next"), random(2 << 20, 13));
    Path patch = dir.resolve("patch.zst");
    ZstdPatches.create(old, next, patch, 1);
    assertThat(Files.size(patch)).isGreaterThan(1 << 20);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();

    assertThatThrownBy(
            () ->
                ZstdPatches.apply(
                    old,
                    patch,
                    Files.size(next),
                    onFirstWrite(rebuilt, () -> Files.write(patch, new byte[0]))))
        .isInstanceOf(IOException.class);
    assertThat(rebuilt.size()).isLessThan((int) Files.size(next));
  }

  @Test
  void apply_frameDeclaringAWindowAboveTheMaximum_isRefusedWithoutAllocatingIt()
      throws IOException {
    Path base = Files.write(dir.resolve("base"), random(1000, 14));
    // Magic, a descriptor with a 4-byte content size and a window descriptor of window log 41
    // (exponent 31), content size 1000, then one last raw block of 1000 bytes.
    byte[] header = {
      0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0x80, (byte) 0xF8, (byte) 0xE8, 0x03, 0, 0,
      0x41, 0x1F, 0
    };
    byte[] frame = Arrays.copyOf(header, header.length + 1000);
    Path patch = Files.write(dir.resolve("patch.zst"), frame);

    assertThatThrownBy(() -> apply(base, patch, 1000)).isInstanceOf(IOException.class);
  }

  @Test
  void createThenApply_emptyOldFile_works() throws IOException {
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    Path next = Files.write(dir.resolve("next"), random(10_000, 5));
    Path patch = dir.resolve("patch.zst");

    ZstdPatches.create(empty, next, patch);

    assertThat(apply(empty, patch, 10_000)).isEqualTo(Files.readAllBytes(next));
  }

  @Test
  void windowLog_coversBothFilesWithinTheAllowedRange() {
    assertThat(ZstdPatches.windowLog(0)).isEqualTo(10);
    assertThat(ZstdPatches.windowLog(1 << 20)).isEqualTo(20);
    assertThat(ZstdPatches.windowLog((1 << 20) + 1)).isEqualTo(21);
    assertThat(ZstdPatches.windowLog(Long.MAX_VALUE)).isEqualTo(ZstdPatches.WINDOW_LOG_MAX);
  }

  @Test
  void applier_namesTheFormatAndRefusesOthers() {
    assertThat(ZstdPatches.applier().formats()).containsExactly("zstd");
    assertThatThrownBy(
            () ->
                ZstdPatches.applier()
                    .apply("bsdiff", dir, dir, 0, new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage("not a zstd patch: format bsdiff");
  }
}
