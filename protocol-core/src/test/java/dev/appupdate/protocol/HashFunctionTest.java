package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.internal.Fields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashFunctionTest {

  @Test
  void fromWireName_allowedNames_resolve() {
    assertThat(HashFunction.fromWireName("sha256")).isEqualTo(HashFunction.SHA256);
    assertThat(HashFunction.fromWireName("sha384")).isEqualTo(HashFunction.SHA384);
    assertThat(HashFunction.fromWireName("sha512")).isEqualTo(HashFunction.SHA512);
  }

  @ParameterizedTest
  @ValueSource(strings = {"md5", "sha1", "blake3", "SHA512", "sha-512", ""})
  void fromWireName_otherNames_areRefusedNamingTheAllowedOnes(String name) {
    assertThatThrownBy(() -> HashFunction.fromWireName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported hash function \"" + name + "\"; allowed: sha256, sha384, sha512");
  }

  @Test
  void fromWireName_nameWithControlCharactersAndLoneSurrogate_isQuotedEscaped() {
    assertThatThrownBy(() -> HashFunction.fromWireName("\u0001\ud800\"x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported hash function \"\\u0001\\ud800\\\"x\"; allowed: sha256, sha384, sha512");
  }

  @Test
  void fromWireName_longName_isCutInTheMessage() {
    assertThatThrownBy(() -> HashFunction.fromWireName("x".repeat(3000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported hash function \"" + "x".repeat(77) + "...\"; allowed: sha256, sha384,"
                + " sha512");
  }

  @Test
  void allowedNames_listsTheWireNames() {
    assertThat(HashFunction.allowedNames()).isEqualTo("sha256, sha384, sha512");
  }

  @Test
  void newDigest_producesDigestsOfTheDeclaredLength() {
    for (HashFunction f : HashFunction.values()) {
      byte[] digest = f.newDigest().digest(new byte[] {1, 2, 3});
      assertThat(digest).as(f.wireName()).hasSize(f.digestBytes());
      assertThat(TestDocs.hex(f, "x")).hasSize(f.hexLength());
    }
  }

  @Test
  void newDigest_sha256_matchesKnownVector() {
    assertThat(TestDocs.hex(HashFunction.SHA256, "abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void fieldsHashValue_validDigest_isAccepted() {
    assertThat(Fields.hashValue(HashFunction.SHA512, TestDocs.hex(HashFunction.SHA512, "x"))).isNull();
  }

  @Test
  void fieldsHashValue_wrongLength_namesTheExpectedLength() {
    assertThat(Fields.hashValue(HashFunction.SHA512, "abc123"))
        .isEqualTo("must be 128 lower-case hex digits for sha512, got 6 characters");
  }

  @Test
  void fieldsHashValue_upperCase_isRefused() {
    String upper = TestDocs.hex(HashFunction.SHA256, "x").toUpperCase(java.util.Locale.ROOT);
    assertThat(Fields.hashValue(HashFunction.SHA256, upper))
        .startsWith("must be lower-case hex digits, got '")
        .endsWith("' at offset " + firstLetter(upper));
  }

  private static int firstLetter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isLetter(s.charAt(i))) {
        return i;
      }
    }
    throw new AssertionError("no letter in " + s);
  }
}
