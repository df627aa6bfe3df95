package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void describe_exceptionWithoutMessage_usesTheFirstCauseThatHasOne() {
    ConnectException e = new ConnectException();
    e.initCause(new IOException(new ConnectException("Connection refused")));

    assertThat(Failures.describe(e)).isEqualTo("Connection refused (ConnectException)");
  }

  @Test
  void describe_unresolvableHost_saysUnknownHost() {
    ConnectException e = new ConnectException();
    e.initCause(new UnresolvedAddressException());

    assertThat(Failures.describe(e)).isEqualTo("unknown host (UnresolvedAddressException)");
  }

  @Test
  void describe_fileErrors_sayWhatIsWrongWithoutRepeatingThePath() {
    assertThat(Failures.describe(new NoSuchFileException("/x/y"))).isEqualTo("no such file");
    assertThat(Failures.describe(new AccessDeniedException("/x/y")))
        .isEqualTo("permission denied");
  }

  @Test
  void describe_nothingToSay_givesTheClassName() {
    assertThat(Failures.describe(new IOException())).isEqualTo("IOException");
  }

  @Test
  void describe_multiLineMessage_becomesOneLine() {
    assertThat(Failures.describe(new IOException("first\n  second\r\nthird")))
        .isEqualTo("first second third (IOException)");
  }
}
