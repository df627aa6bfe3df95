package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ChromiumTest {
  @TempDir Path emptyDir;

  @Test
  void noBrowser_notRequired_skipsWithAMessage() {
    assertThatThrownBy(() -> Chromium.start(Map.of("PATH", emptyDir.toString())))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("no chromium on the PATH")
        .hasMessageContaining("APPUPDATE_BROWSER_TESTS=required makes this a failure");
  }

  @Test
  void noBrowser_required_fails() {
    assertThatThrownBy(
            () ->
                Chromium.start(
                    Map.of("PATH", emptyDir.toString(), "APPUPDATE_BROWSER_TESTS", "required")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("no chromium on the PATH")
        .hasMessageContaining("chromium-driver");
  }

  @Test
  void unknownMode_isRefusedRatherThanIgnored() {
    assertThatThrownBy(
            () ->
                Chromium.start(
                    Map.of("PATH", emptyDir.toString(), "APPUPDATE_BROWSER_TESTS", "yes")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'required' or unset");
  }
}
