package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against the server jar while a probe on 127.0.0.1 sends normal update checks on
 * fresh connections: every probe is answered 200, the median probe takes under 100 ms and the 99th
 * percentile under 1 s, and the server's resident memory stays under {@link
 * AbuseHarness#RSS_BOUND_BYTES} (with {@code -Xmx256m}). The attackers connect from 127.0.0.2.
 * Each attack runs at the scale of the hostile-client report (300 slow-header connections, 40 slow
 * bodies, 40 slow readers of a 200 MB file), but for 12 seconds instead of 60, to keep the suite
 * short; every limit that ends the attackers' connections (10 s for headers, 5 s windows for
 * bodies, 20 s windows for slow readers) acts within or just after that time, and the attackers
 * reconnect as soon as they are cut off. The child JVM is this one's unless {@code
 * -Dappupdate.it.java} names another launcher (a JDK 24+, to run it on virtual threads).
 */
class SlowClientsIT {
  private static final Duration ATTACK = Duration.ofSeconds(12);

  @TempDir static Path dir;
  private static AbuseHarness harness;

  @BeforeAll
  static void start() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    try (RandomAccessFile big = new RandomAccessFile(files.resolve("big.bin").toFile(), "rw")) {
      big.setLength(200L * 1024 * 1024); // sparse: no 200 MB written to the disk
    }
    harness = AbuseHarness.start(dir, "--files", files.toString());
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void slowHeaders_300ConnectionsAtOneBytePerSecond_probesStillServed() throws Exception {
    byte[] head =
        ("POST /v1/update HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(4000) + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "slow headers",
            ATTACK,
            running ->
                AbuseHarness.holdConnections(
                    running,
                    300,
                    Duration.ofSeconds(1),
                    new AbuseHarness.ConnectionStep() {
                      @Override
                      public Socket open() throws IOException {
                        return harness.connect(AbuseHarness.ATTACKER);
                      }

                      @Override
                      public long step(Socket s, long progress) throws IOException {
                        s.getOutputStream().write(head[(int) (progress % head.length)]);
                        s.getOutputStream().flush();
                        AbuseHarness.drain(s, 1024);
                        return progress + 1;
                      }
                    }));

    harness.assertServed(r);
  }

  @Test
  void slowBodies_40ConnectionsDrippingOneBytePerSecond_probesStillServed() throws Exception {
    AtomicInteger cutOff = new AtomicInteger();
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "slow bodies",
            ATTACK,
            running ->
                AbuseHarness.holdConnections(
                    running,
                    40,
                    Duration.ofSeconds(1),
                    new AbuseHarness.ConnectionStep() {
                      private int opened;

                      @Override
                      public Socket open() throws IOException {
                        Socket s = harness.connect(AbuseHarness.ATTACKER);
                        // Half declare a long body on /v1/completion, half send chunks to
                        // /v1/update.
                        boolean chunked = opened++ % 2 == 0;
                        String head =
                            chunked
                                ? "POST /v1/update HTTP/1.1\nHost: x\nContent-Type:"
                                    + " application/json\nTransfer-Encoding: chunked"
                                : "POST /v1/completion HTTP/1.1\nHost: x\nContent-Type:"
                                    + " application/json\nContent-Length: 60000";
                        s.getOutputStream().write(RawHttp.head(head));
                        s.getOutputStream().flush();
                        return s;
                      }

                      @Override
                      public long step(Socket s, long progress) throws IOException {
                        OutputStream out = s.getOutputStream();
                        out.write(
                            (progress % 2 == 0 ? "1\r\n{\r\n" : " ")
                                .getBytes(StandardCharsets.ISO_8859_1),
                            0,
                            1);
                        out.flush();
                        AbuseHarness.drain(s, 1024);
                        return progress + 1;
                      }
                    },
                    cutOff));

    harness.assertServed(r);
    // 40 connections do not exhaust the worker pool: the probes alone would pass without the body
    // watch. Its 5-second window has to have ended the dripping connections, too.
    assertThat(cutOff.get()).as("slow bodies cut off by the server").isGreaterThanOrEqualTo(40);
  }

  @Test
  void slowReaders_40ReadingA200MbFileAt16BytesPerSecond_probesStillServed() throws Exception {
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "slow readers",
            ATTACK,
            running ->
                AbuseHarness.holdConnections(
                    running,
                    40,
                    Duration.ofSeconds(1),
                    new AbuseHarness.ConnectionStep() {
                      @Override
                      public Socket open() throws IOException {
                        Socket s = harness.connect(AbuseHarness.ATTACKER, 1024);
                        s.getOutputStream()
                            .write(RawHttp.head("GET /files/big.bin HTTP/1.1\nHost: x"));
                        s.getOutputStream().flush();
                        return s;
                      }

                      @Override
                      public long step(Socket s, long progress) throws IOException {
                        return progress + AbuseHarness.drain(s, 16);
                      }
                    }));

    harness.assertServed(r);
  }
}
