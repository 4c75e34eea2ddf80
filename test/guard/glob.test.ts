import { describe, expect, it } from "vitest";
import { matchesAny, matchesGlob } from "../../src/guard/glob.js";
import { DEFAULT_TEST_PATTERNS } from "../../src/guard/defaults.js";

describe("matchesGlob", () => {
  it.each([
    ["src/a.test.ts", "**/*.test.*", true],
    ["a.test.ts", "**/*.test.*", true],
    ["src/atest.ts", "**/*.test.*", false],
    ["test/x/y.js", "test/**", true],
    ["src/test/y.js", "test/**", false],
    ["Dockerfile", "Dockerfile", true],
    ["svc/Dockerfile", "Dockerfile", true],
    ["docker-compose.prod.yaml", "docker-compose*.{yml,yaml}", true],
    ["docker-compose.json", "docker-compose*.{yml,yaml}", false],
    ["a/b.c", "a/?.c", true],
    ["a/bb.c", "a/?.c", false],
    ["a/b/c.tf", "*.tf", true],
    ["a.tf.bak", "*.tf", false],
    ["x+y(1).ts", "x+y(1).ts", true],
  ])("%s against %s → %s", (path, pattern, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });

  it("the default test patterns cover each language and leave source alone", () => {
    const tests = [
      "src/a.spec.tsx",
      "src/__tests__/a.js",
      "pkg/x_test.go",
      "app/test_views.py",
      "app/views_test.py",
      "core/src/test/java/AppTest.java",
      "src/main/kotlin/FooTest.kt",
      "spec/models/user_spec.rb",
      "crate/tests/it.rs",
      "tests/e2e.py",
    ];
    const code = [
      "src/a.ts",
      "pkg/x.go",
      "app/views.py",
      "core/src/main/java/App.java",
      "lib/user.rb",
      "crate/src/lib.rs",
      "src/contest.py",
    ];
    expect(tests.filter((p) => !matchesAny(p, DEFAULT_TEST_PATTERNS))).toEqual([]);
    expect(code.filter((p) => matchesAny(p, DEFAULT_TEST_PATTERNS))).toEqual([]);
  });
});
