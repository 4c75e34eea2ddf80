import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { escapeFor, renderTemplate, type Channel } from "../../src/render/template.js";
import { loadTemplate } from "../../src/render/templates/index.js";

const ZWJ = "\u200d";

describe("template engine", () => {
  it("a value inside a Markdown code span is shown as typed, not backslash-escaped", () => {
    expect(renderTemplate("Carries the fix to `{{target}}`; branch {{target}}.", { target: "4.x" }, "markdown")).toBe(
      "Carries the fix to `4.x`; branch 4\\.x.",
    );
    expect(renderTemplate("`{{v}}`", { v: "a_b*c`d\ne" }, "markdown")).toBe("`a_b*c'd e`");
  });

  it("renders variables, dotted names, lists, booleans and inverted sections", () => {
    const t = "{{a.b}}|{{#xs}}[{{.}}]{{/xs}}|{{#yes}}Y{{/yes}}{{^no}}N{{/no}}|{{#obj}}{{k}}{{/obj}}|{{^empty}}none{{/empty}}|{{missing}}";
    expect(renderTemplate(t, { a: { b: 1 }, xs: ["p", "q"], yes: true, no: false, obj: { k: "v" }, empty: [] }, "plain")).toBe(
      "1|[p][q]|YN|v|none|",
    );
  });

  it("drops the lines of tags that stand alone", () => {
    expect(renderTemplate("a\n{{#xs}}\n- {{.}}\n{{/xs}}\nb\n", { xs: ["1", "2"] }, "plain")).toBe("a\n- 1\n- 2\nb\n");
  });

  it("reports a broken template with its line", () => {
    expect(() => renderTemplate("x\n{{#a}}\n", {}, "plain", "pr-body.md")).toThrow(/pr-body.md:2: \{\{#a\}\} is never closed/);
    expect(() => renderTemplate("{{#a}}{{/b}}", {}, "plain")).toThrow(/closes/);
    expect(() => renderTemplate("{{a b}}", {}, "plain")).toThrow(/not a tag/);
  });

  it("has no unescaped form: {{{x}}} and {{&x}} are refused", () => {
    expect(() => renderTemplate("{{&x}}", { x: "<b>" }, "html")).toThrow(/not a tag/);
    expect(() => renderTemplate("{{{x}}}", { x: "<b>" }, "html")).toThrow();
  });
});

describe("escaping per channel: user text arrives inert", () => {
  const hostile = [
    "@everyone look",
    "@acme/oncall",
    "[click](http://evil.example)",
    "![x](http://evil.example/p.png)",
    "<img src=x onerror=alert(1)>",
    "<!channel> <@U123> <http://evil|ok>",
    "# Heading",
    "a\u202eb",
  ];
  const table: [Channel, string, (out: string) => void][] = [];
  for (const input of hostile) {
    table.push([
      "markdown",
      input,
      (o) => {
        expect(o).not.toMatch(/@(everyone|acme)/);
        expect(o).not.toMatch(/(?<!\\)\[/);
        expect(o).not.toContain("<");
        expect(o).not.toMatch(/^#/);
        expect(o).not.toContain("\u202e");
      },
    ]);
    table.push([
      "slack",
      input,
      (o) => {
        expect(o).not.toContain("<");
        expect(o).not.toMatch(/@everyone/);
      },
    ]);
    table.push(["html", input, (o) => expect(o).not.toMatch(/[<>"']/)]);
    table.push(["plain", input, (o) => expect(o).not.toContain("\u202e")]);
  }
  it.each(table)("%s: %j", (channel, input, assert) => assert(escapeFor(channel, input)));

  it("keeps the text readable", () => {
    expect(escapeFor("markdown", "@everyone")).toBe(`@${ZWJ}everyone`);
    expect(escapeFor("slack", "<!channel> & co")).toBe(`&lt;!channel&gt; &amp; co`);
    expect(escapeFor("markdown", "[link](http://evil)")).toBe("\\[link\\](http://evil)");
    expect(escapeFor("markdown", "<img src=x>")).toBe("&lt;img src=x&gt;");
  });
});

describe("template overrides", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  it("reads .firebreak/templates/<name> when present, the default otherwise", async () => {
    dir = mkdtempSync(join(tmpdir(), "fb-tpl-"));
    expect((await loadTemplate(dir, "pr-body.md")).source).toBe("default");
    mkdirSync(join(dir, ".firebreak", "templates"), { recursive: true });
    writeFileSync(join(dir, ".firebreak", "templates", "pr-body.md"), "Only {{ticket}}\n");
    const t = await loadTemplate(dir, "pr-body.md");
    expect(t.text).toBe("Only {{ticket}}\n");
    expect(t.source).toBe(join(".firebreak", "templates", "pr-body.md"));
    writeFileSync(join(dir, ".firebreak", "templates", "pr-body.md"), "{{#open}}\n");
    await expect(loadTemplate(dir, "pr-body.md")).rejects.toThrow(/never closed/);
  });
});
