package org.vertstack.common.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Permissions of state that holds tenants' bytes (object replicas, images): readable by the
 * service's user only, like the signing keys and clouds.yaml. Files are created 0600 and
 * directories 0700 (a umask can only take bits away from these); the roots are also set
 * explicitly, so a tree made by an older version is closed at its top.
 */
public final class OwnerOnly {

  public static final String FILE_PERMS = "rw-------";
  public static final String DIR_PERMS = "rwx------";
  private static final Set<PosixFilePermission> DIR_SET = PosixFilePermissions.fromString(DIR_PERMS);
  /** For Files.createDirectories, FileChannel.open and the like, applied at creation. */
  public static final FileAttribute<Set<PosixFilePermission>> FILE =
    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_PERMS));
  public static final FileAttribute<Set<PosixFilePermission>> DIR = PosixFilePermissions.asFileAttribute(DIR_SET);

  private OwnerOnly() {
  }

  /** Creates the missing directories of {@code dir} as 0700. */
  public static Path directories(Path dir) throws IOException {
    return Files.createDirectories(dir, DIR);
  }

  /** Creates {@code dir} if needed and makes it 0700 whatever it was, whatever the umask. */
  public static Path root(Path dir) throws IOException {
    directories(dir);
    Files.setPosixFilePermissions(dir, DIR_SET);
    return dir;
  }
}
