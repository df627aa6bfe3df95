package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers for writing protocol documents in tests. */
final class TestDocs {
  private TestDocs() {}

  /** Returns {@code json} as UTF-8 after turning every {@code '} into {@code "}. */
  static byte[] doc(String json) {
    return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the UTF-8 bytes of {@code text}, unchanged. */
  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the lower-case hex digest of {@code payload} under {@code function}. */
  static String hex(HashFunction function, String payload) {
    return HexFormat.of().formatHex(function.newDigest().digest(utf8(payload)));
  }

  /** Asserts that {@code call} throws a ProtocolException with exactly this one error. */
  static void assertRejected(ThrowingCallable call, String field, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> assertThat(e.errors()).containsExactly(new FieldError(field, message)));
  }
}
