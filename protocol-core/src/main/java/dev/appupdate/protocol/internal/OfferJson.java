package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The one mapping between an {@link AvailableUpdate} and its JSON object in {@code
 * available_updates}: written by the server codec, read by the client codec. A new member of an
 * offer is added here and nowhere else.
 */
public final class OfferJson {
  private OfferJson() {}

  /**
   * Writes the members of {@code offer} into {@code o}; defaults (no mirrors, not critical) are
   * left out.
   *
   * @param o the object to write into
   * @param offer the offer
   */
  public static void write(ObjectNode o, AvailableUpdate offer) {
    o.put("update_type", offer.updateType());
    o.put("url", offer.url().toString());
    o.put("hash_function", offer.hashFunction().wireName());
    o.put("hash_value", offer.hashValue());
    o.put("size", offer.size());
    o.put("version", offer.version());
    if (!offer.mirrors().isEmpty()) {
      ArrayNode m = o.putArray("mirrors");
      offer.mirrors().forEach(uri -> m.add(uri.toString()));
    }
    if (offer.critical()) {
      o.put("critical", true);
    }
  }

  /**
   * Reads the offer in the object of {@code o}, adding an error to its list for every bad member.
   *
   * @param o a reader of the offer's object
   * @return the offer, or null when a member was bad
   */
  public static AvailableUpdate read(Nodes o) {
    int before = o.errorCount();
    String type = o.requiredString("update_type", Fields::name);
    String url = o.requiredString("url", Fields::httpUrl);
    String fn = o.requiredString("hash_function", Fields::hashFunction);
    HashFunction function = fn == null ? null : HashFunction.fromWireName(fn);
    String hash =
        o.requiredString(
            "hash_value",
            s -> function == null ? Fields.reportedHashValue(s) : Fields.hashValue(function, s));
    long size = o.requiredSize("size");
    // Servers always write versions as strings; only clients may send integers (seed protocol).
    String version = o.requiredString("version", Fields::version);
    List<URI> mirrors = new ArrayList<>();
    JsonNode m = o.optionalArray("mirrors");
    if (m != null) {
      for (int i = 0; i < m.size(); i++) {
        JsonNode n = m.get(i);
        String field = "mirrors[" + i + "]";
        if (!n.isTextual()) {
          o.error(field, "must be a string, got " + Nodes.describe(n));
          continue;
        }
        String problem = Fields.httpUrl(n.textValue());
        if (problem != null) {
          o.error(field, problem);
          continue;
        }
        mirrors.add(URI.create(n.textValue()));
      }
    }
    Boolean critical = o.optionalBoolean("critical", false);
    if (o.errorCount() != before) {
      return null;
    }
    return AvailableUpdate.builder()
        .updateType(type)
        .url(URI.create(url))
        .hashFunction(function)
        .hashValue(hash)
        .size(size)
        .version(version)
        .mirrors(mirrors)
        .critical(critical)
        .build();
  }
}
