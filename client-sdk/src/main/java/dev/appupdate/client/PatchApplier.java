package dev.appupdate.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Rebuilds an update's bytes from the installed version and a patch: the opt-in that makes an
 * {@link UpdateClient} ask for patches ({@link UpdateClient.Builder#patches}). The module {@code
 * dev.appupdate.client.patch} (artifact {@code client-patch}) provides the {@code zstd} format;
 * without it, client-sdk has no dependency beyond protocol-core and the JDK.
 *
 * <p>The SDK does everything around the call: it checks the base file against the digest the
 * offer gives for it and the patch file against its own digest before calling {@link #apply},
 * hashes and counts what {@code apply} writes, refuses more bytes than the offer's size, and
 * moves the rebuilt file into place only when its size and digest are those of the offer. When
 * anything fails, the full file is downloaded in the same call.
 */
public interface PatchApplier {

  /**
   * Returns the formats this applier rebuilds from, most preferred first; the client sends them
   * as the request's {@code patch_formats}.
   *
   * @return format names such as {@code zstd}; not empty
   */
  List<String> formats();

  /**
   * Rebuilds the new bytes from {@code base} and {@code patch}, writing them to {@code out} as
   * they are decoded. Memory use should not grow with the size of the new bytes beyond what the
   * format needs; an implementation documents what that is.
   *
   * @param format one of {@link #formats()}
   * @param base the verified file of the installed version; only read
   * @param patch the verified patch file; only read
   * @param size the exact size of the new bytes, as the offer declares it: an applier can refuse
   *     a patch that announces another before it allocates for it
   * @param out where the rebuilt bytes go; throws {@link IOException} once more bytes are written
   *     than the offer declares. Not to be closed by the applier
   * @throws IOException if the patch cannot be applied, or reading or writing failed
   */
  void apply(String format, Path base, Path patch, long size, OutputStream out)
      throws IOException;
}
