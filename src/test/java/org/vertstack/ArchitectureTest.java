package org.vertstack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's rules, checked on the compiled classes: {@code common} names no service package (the
 * modules are found with ServiceLoader), every service module is listed in META-INF/services, and
 * no service package keeps static mutable state (what a node shares travels in module handles).
 */
class ArchitectureTest {

  private static final Path CLASSES = Path.of("target/classes/org/vertstack");
  /** Static fields that are mutable by type but not state: field -> why. */
  private static final Map<String, String> ALLOWED = Map.of(
    "org.vertstack.objectstore.storage.DiskStore.LOCKS", "lock stripes, filled once in the static initializer",
    "org.vertstack.objectstore.storage.Timestamps.LAST", "a JVM-wide increasing clock: two writers never share a timestamp",
    "org.vertstack.compute.hypervisor.LibvirtHypervisor.eventLoop", "libvirt's event loop is one per process: registered once, before the first connection");

  private static List<String> servicePackages() throws IOException {
    try (Stream<Path> dirs = Files.list(CLASSES)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
        .filter(name -> !name.equals("common")).sorted().toList();
    }
  }

  private static List<Path> classFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".class")).toList();
    }
  }

  @Test
  void commonImportsNoServicePackage() throws IOException {
    List<String> services = servicePackages();
    assertThat(services).contains("identity", "objectstore", "image", "dashboard");
    List<String> offenders = new ArrayList<>();
    for (Path file : classFiles(CLASSES.resolve("common"))) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String service : services) {
        if (text.contains("org/vertstack/" + service + "/")) {
          offenders.add(CLASSES.relativize(file) + " -> " + service);
        }
      }
    }
    assertThat(offenders).as("common classes that refer to a service package").isEmpty();
  }

  @Test
  void everyModuleIsListedForServiceLoader() throws IOException {
    String listed = Files.readString(Path.of("target/classes/META-INF/services/org.vertstack.common.module.ServiceModule"));
    List<String> missing = new ArrayList<>();
    for (String service : servicePackages()) {
      for (Path file : classFiles(CLASSES.resolve(service))) {
        String name = "org.vertstack." + CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.endsWith("Module") && !listed.contains(name)) {
          missing.add(name);
        }
      }
    }
    assertThat(missing).as("modules not listed in META-INF/services").isEmpty();
  }

  @Test
  void servicePackagesHaveNoStaticMutableState() throws Exception {
    List<String> offenders = new ArrayList<>();
    for (String service : servicePackages()) {
      for (Path file : classFiles(CLASSES.resolve(service))) {
        String name = "org.vertstack." + CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, true, getClass().getClassLoader());
        for (Field f : type.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.isEnumConstant()
            || ALLOWED.containsKey(name + "." + f.getName())) {
            continue;
          }
          if (!Modifier.isFinal(f.getModifiers())) {
            offenders.add(name + "." + f.getName() + " (not final)");
            continue;
          }
          f.setAccessible(true);
          String why = mutable(f.get(null));
          if (why != null) {
            offenders.add(name + "." + f.getName() + " (" + why + ")");
          }
        }
      }
    }
    assertThat(offenders).as("static mutable state in service packages").isEmpty();
  }

  /** Why a static final value is mutable state, or null when it is not. */
  private static String mutable(Object value) {
    if (value == null) {
      return null;
    }
    Class<?> c = value.getClass();
    if (c.isArray()) {
      return "an array";
    }
    if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
      String n = c.getName();
      boolean immutable = n.startsWith("java.util.ImmutableCollections") || n.startsWith("java.util.Collections$Unmodifiable")
        || n.startsWith("java.util.Collections$Empty") || n.startsWith("java.util.Collections$Singleton");
      return immutable ? null : "a mutable " + c.getSimpleName();
    }
    if (value instanceof io.vertx.core.json.JsonObject || value instanceof io.vertx.core.json.JsonArray) {
      return "a mutable " + c.getSimpleName();
    }
    if (c.getName().startsWith("java.util.concurrent.atomic.")) {
      return "an atomic";
    }
    return null;
  }

  @Test
  void theRulesCatchWhatTheyAreAbout() {
    assertThat(mutable(new java.util.concurrent.ConcurrentHashMap<>())).isNotNull();
    assertThat(mutable(Set.of("a"))).isNull();
    assertThat(mutable(new int[1])).isNotNull();
    assertThat(mutable(List.of())).isNull();
  }
}
