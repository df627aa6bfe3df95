/**
 * Patch updates for the appupdate client SDK: the {@code zstd} patch format, to apply ({@link
 * dev.appupdate.client.patch.ZstdPatches#applier()}, given to {@code
 * UpdateClient.Builder.patches}) and to create ({@link
 * dev.appupdate.client.patch.ZstdPatches#create}). A separate artifact so that applications that do
 * not want patches carry no native library.
 */
module dev.appupdate.client.patch {
  requires transitive dev.appupdate.client;
  requires com.github.luben.zstd_jni;

  exports dev.appupdate.client.patch;
}
