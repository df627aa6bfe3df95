package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.UpdateRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between an {@link UpdateRequest} and its JSON document: written by the client
 * codec, read by the server codec. A new member of the request is added here and nowhere else.
 */
public final class RequestJson {
  private RequestJson() {}

  /**
   * Writes the members of {@code request} into {@code o}; versions always as strings.
   *
   * @param o the object to write into
   * @param request the request
   */
  public static void write(ObjectNode o, UpdateRequest request) {
    o.put("product", request.product());
    o.put("version", request.version());
    o.put("platform", request.platform());
    o.put("locale", request.locale());
    o.put("channel", request.channel());
    if (request.arch() != null) {
      o.put("arch", request.arch());
    }
    if (request.osVersion() != null) {
      o.put("os_version", request.osVersion());
    }
    if (request.installationId() != null) {
      o.put("installation_id", request.installationId());
    }
    if (!request.installed().isEmpty()) {
      ObjectNode installed = o.putObject("installed");
      request.installed().forEach(installed::put);
    }
    if (!request.patchFormats().isEmpty()) {
      ArrayNode formats = o.putArray("patch_formats");
      request.patchFormats().forEach(formats::add);
    }
  }

  /**
   * Reads the request in the object of {@code r}, adding an error to its list for every bad
   * member. A version may be a string or a JSON integer (the seed protocol's {@code 666}).
   *
   * @param r a reader of the request document
   * @return the request, or null when a member was bad
   */
  public static UpdateRequest read(Nodes r) {
    int before = r.errorCount();
    String product = r.requiredString("product", Fields::name);
    String version = r.requiredVersion("version");
    String platform = r.requiredString("platform", s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    String locale = r.requiredString("locale", Fields::locale);
    String channel = r.optionalString("channel", Fields::name);
    String arch = r.optionalString("arch", s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    String osVersion = r.optionalVersion("os_version");
    String installationId = r.optionalString("installation_id", Fields::name);
    Map<String, String> installed = new LinkedHashMap<>();
    JsonNode inst = r.optionalObject("installed");
    if (inst != null) {
      Nodes in = r.nested("installed", inst);
      for (Iterator<String> it = inst.fieldNames(); it.hasNext(); ) {
        String type = it.next();
        String keyProblem = Fields.name(type);
        if (keyProblem != null) {
          in.keyError(type, "key " + keyProblem);
          continue;
        }
        String v = in.keyVersion(type, inst.get(type));
        if (v != null) {
          installed.put(type, v);
        }
      }
    }
    List<String> patchFormats = new ArrayList<>();
    JsonNode formats = r.optionalArray("patch_formats");
    if (formats != null) {
      for (int i = 0; i < formats.size(); i++) {
        String format = r.string("patch_formats[" + i + "]", formats.get(i), Fields::name);
        // A format named twice is harmless: a client's list is read as a set of what it applies.
        if (format != null && !patchFormats.contains(format)) {
          patchFormats.add(format);
        }
      }
    }
    if (r.errorCount() != before) {
      return null;
    }
    UpdateRequest.Builder b =
        UpdateRequest.builder(product, version, platform, locale)
            .arch(arch)
            .osVersion(osVersion)
            .installationId(installationId);
    if (channel != null) {
      b.channel(channel);
    }
    installed.forEach(b::installed);
    if (!patchFormats.isEmpty()) {
      b.patchFormats(patchFormats);
    }
    return b.build();
  }
}
