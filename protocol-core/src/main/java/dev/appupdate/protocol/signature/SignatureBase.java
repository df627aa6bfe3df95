package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The signature base of RFC 9421, section 2.5: for each covered component, in the order of the
 * signature parameters, its identifier serialized as an RFC 8941 string with its parameters (such
 * as {@code "@method";req}), a colon, a space and its value, then a line feed; last the line {@code
 * "@signature-params": } followed by the serialized inner list of the components and the signature
 * parameters, with no line feed after it. The bytes signed are this text in ASCII.
 */
final class SignatureBase {
  private SignatureBase() {}

  /**
   * Builds the signature base.
   *
   * @param signatureParams the covered components (string items, possibly with parameters such as
   *     {@code req}) and the signature parameters ({@code created}, {@code keyid}, ...)
   * @param values the value of each covered component, in the same order: for an HTTP field its
   *     field lines' values, each trimmed, joined with {@code ", "}
   * @throws IllegalArgumentException if a component is repeated, is not a string, or a value holds
   *     a character other than horizontal tab and printable ASCII (a line feed would let one value
   *     forge the next line)
   */
  static String build(InnerList signatureParams, List<String> values) {
    List<Item> components = signatureParams.items;
    if (components.size() != values.size()) {
      throw new IllegalArgumentException(
          components.size() + " components but " + values.size() + " values");
    }
    StringBuilder sb = new StringBuilder(256);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < components.size(); i++) {
      Item c = components.get(i);
      if (!(c.value instanceof String)) {
        throw new IllegalArgumentException("component identifier is not a string: " + c.value);
      }
      String identifier = StructuredFields.serializeItem(c);
      if (c.value.equals("@signature-params") || !seen.add(identifier)) {
        throw new IllegalArgumentException("component " + identifier + " cannot be covered here");
      }
      String value = values.get(i);
      for (int k = 0; k < value.length(); k++) {
        char ch = value.charAt(k);
        if (ch != '\t' && (ch < 0x20 || ch > 0x7e)) {
          throw new IllegalArgumentException(
              "value of " + identifier + " holds " + StructuredFields.describe(ch));
        }
      }
      sb.append(identifier).append(": ").append(value).append('\n');
    }
    sb.append("\"@signature-params\": ")
        .append(StructuredFields.serializeInnerList(signatureParams));
    return sb.toString();
  }

  /** Returns {@link #build} as the bytes that are signed. */
  static byte[] bytes(InnerList signatureParams, List<String> values) {
    return build(signatureParams, values).getBytes(StandardCharsets.US_ASCII);
  }
}
