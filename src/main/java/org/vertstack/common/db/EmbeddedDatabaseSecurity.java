package org.vertstack.common.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Locks the embedded PostgreSQL to this process: the superuser gets a generated password (kept
 * in the state directory, owner-only), every connection must give it (scram-sha-256 in
 * pg_hba.conf, TCP and socket alike), and the Unix socket lives in an owner-only directory of
 * the state directory instead of /tmp. Without this any local account could log in as
 * superuser and read the token-signing key with COPY ... TO PROGRAM.
 *
 * <p>io.zonky's initdb always writes "trust" and its start-up check logs in over TCP, so the
 * password is set before the server starts: in PostgreSQL's single-user mode, from the data
 * directory customizer. That also upgrades a data directory made by an older VertStack (trust,
 * no password file) at its first start with this code. The Vert.x PostgreSQL client reaches a
 * Unix socket only with a native transport (not on the class path), so the services connect
 * over TCP on the loopback interface, with the password.
 */
final class EmbeddedDatabaseSecurity {

  static final String PASSWORD_FILE = "database-password";
  private static final String HBA_MARKER = "# VertStack: every connection gives the password (scram-sha-256).";
  private static final String HBA = HBA_MARKER + """

    # Written at start by VertStack (common.db.EmbeddedDatabaseSecurity); changes here are overwritten.
    local   all   all                  scram-sha-256
    host    all   all   127.0.0.1/32   scram-sha-256
    host    all   all   ::1/128        scram-sha-256
    """;
  /** Unix socket paths are limited to 107 bytes; beyond that the server listens on TCP only. */
  private static final int MAX_SOCKET_DIR = 90;

  private final Path passwordFile;
  private final String password;
  private final boolean passwordIsNew;
  private final String socketDirectory;

  private EmbeddedDatabaseSecurity(Path passwordFile, String password, boolean passwordIsNew, String socketDirectory) {
    this.passwordFile = passwordFile;
    this.password = password;
    this.passwordIsNew = passwordIsNew;
    this.socketDirectory = socketDirectory;
  }

  /** Reads (or generates) the password and makes the socket directory; before the server starts. */
  static EmbeddedDatabaseSecurity prepare(Path stateDir) throws IOException {
    Path file = stateDir.resolve(PASSWORD_FILE);
    String password = Files.exists(file) ? Files.readString(file).trim() : "";
    boolean generated = password.isEmpty();
    if (generated) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      Path tmp = stateDir.resolve(PASSWORD_FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, password + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Path socketDir = stateDir.resolve("run").toAbsolutePath();
    String socket = "";
    if (socketDir.toString().length() <= MAX_SOCKET_DIR) {
      Files.createDirectories(socketDir);
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
      socket = socketDir.toString();
    }
    return new EmbeddedDatabaseSecurity(file, password, generated, socket);
  }

  String password() {
    return password;
  }

  Path passwordFile() {
    return passwordFile;
  }

  /** The server's unix_socket_directories: the owner-only directory, or "" for TCP only. */
  String socketDirectory() {
    return socketDirectory;
  }

  /**
   * Called by io.zonky after initdb (or on an existing data directory) and before the server
   * starts: sets the password and writes pg_hba.conf unless both are already in place.
   */
  void secureDataDirectory(File dataDir) {
    Path hba = dataDir.toPath().resolve("pg_hba.conf");
    try {
      boolean secured = Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER);
      if (secured && !passwordIsNew) {
        return;
      }
      setPassword(dataDir.toPath());
      Path tmp = dataDir.toPath().resolve("pg_hba.conf.tmp");
      Files.writeString(tmp, HBA);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ALTER ROLE in single-user mode (no server, no network), run the way io.zonky runs PostgreSQL. */
  private void setPassword(Path dataDir) throws IOException {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U")); // PostgreSQL refuses to run as root; io.zonky does the same
    }
    command.addAll(List.of(binaries().resolve("bin/postgres").toString(), "--single", "-F", "-D", dataDir.toString(), "postgres"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "';\n").getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int rc = process.waitFor();
      if (rc != 0 || output.contains("ERROR:")) {
        throw new IOException("setting the database password failed (" + rc + "): " + output.replace(password, "***"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the database password", e);
    }
  }

  /** Where io.zonky unpacked the PostgreSQL binaries it is about to start. */
  @SuppressWarnings("unchecked")
  private static Path binaries() throws IOException {
    try {
      var field = EmbeddedPostgres.class.getDeclaredField("PREPARE_BINARIES");
      field.setAccessible(true);
      for (File dir : ((Map<Object, File>) field.get(null)).values()) {
        if (new File(dir, "bin/postgres").canExecute()) {
          return dir.toPath();
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException("cannot find the embedded PostgreSQL binaries: " + e, e);
    }
    throw new IOException("cannot find the embedded PostgreSQL binaries");
  }
}
