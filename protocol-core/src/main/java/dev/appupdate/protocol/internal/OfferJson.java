package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Patch;
import dev.appupdate.protocol.ReleaseSignature;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * The one mapping between an {@link AvailableUpdate} and its JSON object in {@code
 * available_updates}: written by the server codec, read by the client codec. A new member of an
 * offer is added here and nowhere else. The {@code signatures} array, which a catalog release
 * holds in the same form, is read and written here for the catalog too.
 */
public final class OfferJson {
  private OfferJson() {}

  /**
   * Writes the members of {@code offer} into {@code o}; defaults (no mirrors, not critical, no
   * signatures, no patch) are left out.
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
    writeSignatures(o, offer.signatures());
    Patch patch = offer.patch();
    if (patch != null) {
      o.putObject("patch")
          .put("from", patch.from())
          .put("from_hash_value", patch.fromHashValue())
          .put("format", patch.format())
          .put("url", patch.url().toString())
          .put("hash_function", patch.hashFunction().wireName())
          .put("hash_value", patch.hashValue())
          .put("size", patch.size());
    }
  }

  /**
   * Writes {@code signatures} as the {@code signatures} array of {@code o}, in order; nothing when
   * empty.
   *
   * @param o the object of an offer or a catalog release
   * @param signatures the signatures
   */
  public static void writeSignatures(ObjectNode o, List<ReleaseSignature> signatures) {
    if (!signatures.isEmpty()) {
      ArrayNode a = o.putArray("signatures");
      for (ReleaseSignature s : signatures) {
        a.addObject().put("key_id", s.keyId()).put("signature", s.signature());
      }
    }
  }

  /**
   * Reads the optional {@code signatures} array of the object of {@code o}, adding an error for
   * every bad element: not an object, a bad or missing {@code key_id} or {@code signature}, a key
   * id repeated. Members of an element other than those two are reported when {@code strict} (a
   * catalog) and ignored otherwise (an offer: clients ignore members they do not know).
   *
   * @param o a reader of the object holding the array
   * @param strict whether unknown members of an element are errors
   * @return the signatures, empty when absent; null when anything was bad
   */
  public static List<ReleaseSignature> readSignatures(Nodes o, boolean strict) {
    JsonNode array = o.optionalArray("signatures");
    if (array == null) {
      return o.raw("signatures") == null ? List.of() : null;
    }
    int before = o.errorCount();
    List<ReleaseSignature> signatures = new ArrayList<>(array.size());
    List<String> keyIds = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String field = "signatures[" + i + "]";
      if (!n.isObject()) {
        o.error(field, "must be a JSON object, got " + Nodes.describe(n));
        keyIds.add(null);
        continue;
      }
      Nodes e = o.nested(field, n);
      if (strict) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (!key.equals("key_id") && !key.equals("signature")) {
            e.keyError(key, "unknown key; allowed: key_id, signature");
          }
        }
      }
      String keyId = e.requiredString("key_id", Fields::keyId);
      String signature = e.requiredString("signature", Fields::signature);
      keyIds.add(keyId);
      if (keyId != null && signature != null) {
        signatures.add(ReleaseSignature.of(keyId, signature));
      }
    }
    Fields.duplicateKeyIds(keyIds, "signatures", o::error);
    return o.errorCount() == before ? signatures : null;
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
    List<ReleaseSignature> signatures = readSignatures(o, false);
    Patch patch = null;
    JsonNode p = o.optionalObject("patch");
    if (p != null) {
      patch = readPatch(o.nested("patch", p));
      if (patch != null && version != null) {
        String problem = Fields.patchFrom(patch.from(), version);
        if (problem != null) {
          o.error("patch.from", problem);
        }
      }
    }
    if (o.errorCount() != before) {
      return null;
    }
    AvailableUpdate.Builder b =
        AvailableUpdate.builder()
        .updateType(type)
        .url(URI.create(url))
        .hashFunction(function)
        .hashValue(hash)
        .size(size)
        .version(version)
        .mirrors(mirrors)
        .critical(critical)
        .signatures(signatures);
    if (patch != null) {
      b.patch(patch);
    }
    return b.build();
  }

  private static Patch readPatch(Nodes p) {
    int before = p.errorCount();
    String from = p.requiredString("from", Fields::version);
    String fn = p.requiredString("hash_function", Fields::hashFunction);
    HashFunction function = fn == null ? null : HashFunction.fromWireName(fn);
    Function<String, String> digest =
        s -> function == null ? Fields.reportedHashValue(s) : Fields.hashValue(function, s);
    String fromHash = p.requiredString("from_hash_value", digest);
    String format = p.requiredString("format", Fields::name);
    String url = p.requiredString("url", Fields::httpUrl);
    String hash = p.requiredString("hash_value", digest);
    long size = p.requiredSize("size");
    if (p.errorCount() != before) {
      return null;
    }
    return Patch.builder()
        .from(from)
        .fromHashValue(fromHash)
        .format(format)
        .url(URI.create(url))
        .hashFunction(function)
        .hashValue(hash)
        .size(size)
        .build();
  }
}
