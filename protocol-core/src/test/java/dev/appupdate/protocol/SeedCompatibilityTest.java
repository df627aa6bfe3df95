package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeedCompatibilityTest {

  @Test
  void seedRequest_withIntegerVersion_decodesAsDecimalString() {
    byte[] body =
        "{\"product\":\"your_app\",\"version\":666,\"platform\":\"macOS\",\"locale\":\"en-US\"}"
            .getBytes(StandardCharsets.UTF_8);

    UpdateRequest request = ServerCodec.create().decodeUpdateRequest(body);

    assertThat(request.product()).isEqualTo("your_app");
    assertThat(request.version()).isEqualTo("666");
    assertThat(request.platform()).isEqualTo("macOS");
    assertThat(request.locale()).isEqualTo("en-US");
    assertThat(request.channel()).isEqualTo("release");
  }

  @Test
  void version_preReleaseSortsBeforeRelease() {
    assertThat(Version.parse("1.0pre1")).isLessThan(Version.parse("1.0"));
    assertThat(Version.parse("1.0")).isEqualTo(Version.parse("1.0.0"));
    assertThat(Version.parse("1.1.*")).isGreaterThan(Version.parse("1.1.99"));
    assertThat(Version.parse("1.0+")).isEqualTo(Version.parse("1.1pre"));
  }
}
