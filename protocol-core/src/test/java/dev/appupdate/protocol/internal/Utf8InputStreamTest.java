package dev.appupdate.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8InputStreamTest {
  private static final byte[][] PIECES = {
    {'a'},
    {'"'},
    {'~'},
    {0x7f},
    {0},
    {(byte) 0xc3, (byte) 0xa4},
    {(byte) 0xe2, (byte) 0x82, (byte) 0xac},
    {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xc0, (byte) 0x80},
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0xe2, (byte) 0x82},
    {(byte) 0xff}
  };

  @Test
  void read_anyBytesInAnyChunks_rejectsWhereTheWholeArrayCheckDoes() throws IOException {
    Random random = new Random(3);
    int rejected = 0;
    for (int n = 0; n < 20_000; n++) {
      byte[] bytes = document(random);
      int expected = Utf8.firstRejected(bytes);
      Utf8InputStream in = new Utf8InputStream(new ByteArrayInputStream(bytes));
      byte[] buffer = new byte[64];
      while (true) {
        int r = in.read(buffer, random.nextInt(8), 1 + random.nextInt(56));
        if (r < 0) {
          break;
        }
      }
      assertThat(in.firstRejected()).as(Arrays.toString(bytes)).isEqualTo(expected);
      if (expected >= 0) {
        rejected++;
        assertThat(in.rejectedByte()).isEqualTo(bytes[expected] & 0xff);
      }
    }
    assertThat(rejected).isBetween(2_000, 18_000);
  }

  /** Mostly ASCII in runs of up to 40 bytes, and now and then any of the pieces. */
  private static byte[] document(Random random) {
    byte[] out = new byte[300];
    int length = 0;
    int target = random.nextInt(250);
    boolean clean = random.nextInt(3) == 0;
    while (length < target) {
      byte[] piece;
      if (random.nextInt(6) > 0) {
        piece = new byte[1 + random.nextInt(40)];
        for (int i = 0; i < piece.length; i++) {
          piece[i] = (byte) (' ' + random.nextInt(95));
        }
      } else {
        // A clean document holds valid sequences only: no NUL, nothing from 0x80 on.
        piece = clean ? PIECES[5 + random.nextInt(3)] : PIECES[random.nextInt(PIECES.length)];
      }
      System.arraycopy(piece, 0, out, length, piece.length);
      length += piece.length;
    }
    return Arrays.copyOf(out, length);
  }
}
