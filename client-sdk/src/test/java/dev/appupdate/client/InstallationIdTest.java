package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationIdTest {
  @TempDir Path dir;

  @Test
  void loadOrCreate_noFile_writesARandomUuid() throws IOException {
    Path file = dir.resolve("state/installation-id");

    String id = InstallationId.loadOrCreate(file);

    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(Files.readString(file)).isEqualTo(id + "\n");
    assertThat(Fixtures.files(file.getParent())).containsExactly("installation-id");
  }

  @Test
  void loadOrCreate_existingFile_returnsTheSameId() throws IOException {
    Path file = dir.resolve("installation-id");
    String first = InstallationId.loadOrCreate(file);

    assertThat(InstallationId.loadOrCreate(file)).isEqualTo(first);
  }

  @Test
  void loadOrCreate_newFile_isOwnerOnly() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path file = dir.resolve("installation-id");

    InstallationId.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void restrictToOwner_fileSystemWithAccessControlLists_leavesTheOwnerAsTheOnlyEntry()
      throws IOException {
    UserPrincipal owner = () -> "alice";
    UserPrincipal everyone = () -> "Everyone";
    List<AclEntry> acl = new ArrayList<>();
    acl.add(
        AclEntry.newBuilder()
            .setType(AclEntryType.ALLOW)
            .setPrincipal(everyone)
            .setPermissions(AclEntryPermission.READ_DATA)
            .build());
    AclFileAttributeView view =
        new AclFileAttributeView() {
          @Override
          public String name() {
            return "acl";
          }

          @Override
          public List<AclEntry> getAcl() {
            return List.copyOf(acl);
          }

          @Override
          public void setAcl(List<AclEntry> entries) {
            acl.clear();
            acl.addAll(entries);
          }

          @Override
          public UserPrincipal getOwner() {
            return owner;
          }

          @Override
          public void setOwner(UserPrincipal principal) {
            throw new AssertionError("the owner must stay");
          }
        };

    InstallationId.restrictToOwner(view);

    assertThat(acl)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(AclEntryType.ALLOW);
              assertThat(e.principal()).isSameAs(owner);
              assertThat(e.permissions())
                  .contains(
                      AclEntryPermission.READ_DATA,
                      AclEntryPermission.WRITE_DATA,
                      AclEntryPermission.DELETE);
            });
  }

  @Test
  void loadOrCreate_garbage_isRefusedNamingTheFile() throws IOException {
    Path file = dir.resolve("installation-id");
    Files.writeString(file, "hello\nworld", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> InstallationId.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("got \"hello world\"")
        .hasMessageEndingWith("delete the file to create a new id");
  }

  @Test
  void loadOrCreate_emptyFile_isRefused() throws IOException {
    Path file = dir.resolve("installation-id");
    Files.createFile(file);

    assertThatThrownBy(() -> InstallationId.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the file is empty");
  }

  @Test
  void loadOrCreate_hugeFile_isRefusedWithoutReadingIt() throws IOException {
    Path file = dir.resolve("installation-id");
    Files.write(file, new byte[10_000]);

    assertThatThrownBy(() -> InstallationId.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it has 10000 bytes");
  }
}
