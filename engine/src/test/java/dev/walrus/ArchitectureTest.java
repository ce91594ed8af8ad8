package dev.walrus;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package drawing of {@code docs/ARCHITECTURE.md} true. The "may use" column of
 * its package table is the rule: this test reads it and checks the engine's main classes
 * against it, so the document and the code cannot drift apart silently. Also: no package
 * cycles under {@code dev.walrus.internal}, no internal class depends on the {@code Walrus}
 * facade, and the public API exposes no internal type in a public signature.
 */
class ArchitectureTest {
  private static final String API = "dev.walrus";
  private static final String INTERNAL = "dev.walrus.internal.";
  private static JavaClasses classes;

  /** Package (full name) to the internal packages it may use, as the document says. */
  private static Map<String, Set<String>> mayUse;

  @BeforeAll
  static void importClasses() throws IOException {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);
    mayUse = documentedLayering(Files.readString(architectureDocument()));
  }

  /** docs/ARCHITECTURE.md, found from the module's directory upwards. */
  private static Path architectureDocument() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("docs/ARCHITECTURE.md");
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError(
        "docs/ARCHITECTURE.md not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Parses the rows {@code | `package` | one job | may use |} of the "Packages" section:
   * the may-use cell lists the allowed packages in backticks ({@code —} for none).
   */
  static Map<String, Set<String>> documentedLayering(String doc) {
    int start = doc.indexOf("\n## Packages");
    assertThat(start).as("ARCHITECTURE.md has a Packages section").isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    Pattern row = Pattern.compile("^\\| `([a-z.]+)` \\|.*\\| ([^|]*) \\|$", Pattern.MULTILINE);
    Pattern name = Pattern.compile("`([a-z.]+)`");
    Map<String, Set<String>> out = new LinkedHashMap<>();
    Matcher m = row.matcher(section);
    while (m.find()) {
      Set<String> allowed = new TreeSet<>();
      Matcher n = name.matcher(m.group(2));
      while (n.find()) {
        allowed.add(fullName(n.group(1)));
      }
      out.put(fullName(m.group(1)), allowed);
    }
    assertThat(out).as("package rows in ARCHITECTURE.md").isNotEmpty();
    return out;
  }

  private static String fullName(String documented) {
    return documented.equals(API)
        ? API
        : documented.startsWith("internal.") ? "dev.walrus." + documented : INTERNAL + documented;
  }

  @Test
  void noPackageCyclesUnderInternal() {
    slices().matching("dev.walrus.internal.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void everyPackageIsInTheTableAndEveryTablePackageExists() {
    Set<String> actual = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.getPackageName().equals(API) || c.getPackageName().startsWith(INTERNAL)) {
        actual.add(c.getPackageName());
      }
    }
    assertThat(mayUse.keySet())
        .as("the packages of ARCHITECTURE.md's table")
        .containsExactlyInAnyOrderElementsOf(actual);
  }

  @Test
  void theDocumentedLayeringHasNoCycle() {
    Set<String> done = new HashSet<>();
    for (String p : mayUse.keySet()) {
      visit(p, new ArrayList<>(), done);
    }
  }

  private static void visit(String p, List<String> path, Set<String> done) {
    assertThat(path).as("ARCHITECTURE.md's may-use column has a cycle").doesNotContain(p);
    if (!done.add(p)) {
      return;
    }
    path.add(p);
    for (String q : mayUse.getOrDefault(p, Set.of())) {
      visit(q, path, done);
    }
    path.remove(path.size() - 1);
  }

  @Test
  void everyPackageUsesOnlyWhatTheTableAllows() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      Set<String> allowed = mayUse.get(c.getPackageName());
      if (allowed == null) {
        continue; // reported by everyPackageIsInTheTableAndEveryTablePackageExists
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getPackageName();
        if (target.startsWith(INTERNAL)
            && !target.equals(c.getPackageName())
            && !allowed.contains(target)) {
          violations.add(c.getPackageName() + " may not use " + target + ": " + d.getDescription());
        }
      }
    }
    assertThat(violations)
        .as("dependencies ARCHITECTURE.md's package table does not allow")
        .isEmpty();
  }

  @Test
  void noInternalClassDependsOnTheFacade() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!c.getPackageName().startsWith(INTERNAL)) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getName();
        if (target.equals(Walrus.class.getName())
            || target.startsWith(Walrus.class.getName() + "$")) {
          violations.add(d.getDescription());
        }
      }
    }
    assertThat(violations)
        .as("internal code uses the dev.walrus value types, never Walrus")
        .isEmpty();
  }

  @Test
  void thePublicApiExposesNoInternalType() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!c.getPackageName().equals(API)
          || !isVisible(c.getModifiers())
          || (c.isNestedClass()
              && !isVisible(c.getEnclosingClass().orElseThrow().getModifiers()))) {
        continue;
      }
      c.getRawSuperclass().ifPresent(s -> check(c.getName() + " extends", List.of(s), violations));
      check(c.getName() + " implements", c.getRawInterfaces(), violations);
      for (JavaField f : c.getFields()) {
        if (isVisible(f.getModifiers())) {
          check(f.getFullName(), f.getType().getAllInvolvedRawTypes(), violations);
        }
      }
      for (JavaCodeUnit u : c.getCodeUnits()) {
        if (!isVisible(u.getModifiers()) || u.getName().equals("<clinit>")) {
          continue;
        }
        check(u.getFullName() + " returns", u.getReturnType().getAllInvolvedRawTypes(), violations);
        for (JavaType t : u.getParameterTypes()) {
          check(u.getFullName() + " takes", t.getAllInvolvedRawTypes(), violations);
        }
        check(u.getFullName() + " throws", u.getExceptionTypes(), violations);
      }
    }
    assertThat(violations).as("internal types in public signatures of dev.walrus").isEmpty();
  }

  private static boolean isVisible(Set<JavaModifier> m) {
    return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
  }

  private static void check(String where, Iterable<? extends JavaClass> types, List<String> out) {
    for (JavaClass t : types) {
      if (t.getPackageName().startsWith(INTERNAL)) {
        out.add(where + " " + t.getName());
      }
    }
  }
}
