// [I18N-1] Every key exists in every catalogue, with the plural forms its language needs and the same
// placeholders. [I18N-2] Russian plurals. [I18N-3] No component renders a raw string to the user.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { en } from "../../client/src/i18n/en.ts";
import { formatDateTime, setLocale, t } from "../../client/src/i18n/index.ts";
import { ru } from "../../client/src/i18n/ru.ts";

const catalogues = { en, ru } as Record<string, Record<string, string | Record<string, string>>>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const texts = (entry: string | Record<string, string>) => (typeof entry === "string" ? [entry] : Object.values(entry));

const completeness = suite("[I18N-1] catalogues are complete");

completeness("English and Russian have exactly the same keys", () => {
  const enKeys = Object.keys(en).sort();
  for (const [name, catalogue] of Object.entries(catalogues)) {
    const keys = Object.keys(catalogue).sort();
    assert.equal(keys.filter((k) => !enKeys.includes(k)), [], `${name}: keys not in the source`);
    assert.equal(enKeys.filter((k) => !keys.includes(k)), [], `${name}: missing keys`);
  }
});

completeness("no message is empty, and each uses the same placeholders as the English one", () => {
  for (const [name, catalogue] of Object.entries(catalogues)) {
    for (const [key, entry] of Object.entries(catalogue)) {
      for (const text of texts(entry)) assert.ok(text.trim().length > 0, `${name}.${key} is empty`);
      const source = en[key as keyof typeof en] as string | Record<string, string>;
      const want = [...new Set(texts(source).flatMap(placeholders))].sort();
      for (const text of texts(entry)) {
        const got = placeholders(text).filter((p) => p !== "count");
        for (const p of got) assert.ok(want.includes(p), `${name}.${key} uses {${p}} that English does not`);
      }
    }
  }
});

completeness("plural entries give every category the language's plural rules select", () => {
  for (const [name, catalogue] of Object.entries(catalogues)) {
    const needed = new Intl.PluralRules(name).resolvedOptions().pluralCategories;
    for (const [key, entry] of Object.entries(catalogue)) {
      if (typeof entry === "string") continue;
      for (const category of needed) {
        if (category === "zero" || category === "two") continue;
        assert.ok(entry[category], `${name}.${key} lacks the "${category}" form`);
      }
    }
  }
});

completeness.run();

const plurals = suite("[I18N-2] Russian plurals and formats");

plurals("тикет / тикета / тикетов for 0, 1, 2, 5, 11, 21, 22, 25", () => {
  setLocale("ru");
  const expected: Record<number, string> = { 0: "0 тикетов", 1: "1 тикет", 2: "2 тикета", 5: "5 тикетов", 11: "11 тикетов", 21: "21 тикет", 22: "22 тикета", 25: "25 тикетов" };
  for (const [count, text] of Object.entries(expected)) assert.is(t("queue.count", { count: Number(count) }), text);
  setLocale("en");
  assert.is(t("queue.count", { count: 1 }), "1 ticket");
  assert.is(t("queue.count", { count: 5 }), "5 tickets");
});

plurals("dates follow the locale and the organisation's time zone", () => {
  const at = "2026-03-05T09:07:00Z";
  setLocale("ru");
  assert.match(formatDateTime(at, { timeZone: "Europe/Moscow" }), /^5 мар\.? 2026 г\., 12:07$/);
  setLocale("en");
  assert.match(formatDateTime(at, { timeZone: "Europe/London" }), /Mar 5, 2026, 9:07\s?AM/);
});

plurals.run();

const literals = suite("[I18N-3] no raw user-visible strings in components");

const clientSrc = path.resolve(import.meta.dirname, "../../client/src");
const visibleAttributes = new Set(["aria-label", "title", "placeholder", "alt", "aria-description", "aria-placeholder", "aria-roledescription", "aria-valuetext", "label"]);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? tsxFiles(full) : full.endsWith(".tsx") ? [full] : [];
  });
}

/** Letters in JSX text, string literals as JSX children, and literal or non-t() visible attributes. */
export function findRawStrings(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${path.basename(file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) at(node, `text ${JSON.stringify(node.text.trim())}`);
    if (ts.isJsxAttribute(node) && visibleAttributes.has(node.name.getText())) {
      const init = node.initializer;
      if (init && ts.isStringLiteral(init) && /\p{L}/u.test(init.text)) at(node, node.getText());
      else if (init && ts.isJsxExpression(init) && init.expression && !isTranslated(init.expression)) at(node, node.getText());
    }
    if (ts.isJsxExpression(node) && node.expression && ts.isStringLiteralLike(node.expression) && /\p{L}/u.test(node.expression.text) && !ts.isJsxAttribute(node.parent)) {
      at(node, node.getText());
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

// t(...) itself, or a value passed down from a caller that the scan checks at its own call site.
const isTranslated = (e: ts.Expression): boolean =>
  (ts.isCallExpression(e) && e.expression.getText() === "t") || (!ts.isStringLiteralLike(e) && !ts.isTemplateExpression(e) && !ts.isCallExpression(e)) || (ts.isCallExpression(e) && /^(t|format\w+)$/.test(e.expression.getText()));

literals("the scan itself catches a raw string (so it cannot pass by finding nothing)", () => {
  const found = findRawStrings("Bad.tsx", `export const Bad = () => <button aria-label="Close" title={"x" + 1}>Save</button>;`);
  assert.is(found.length, 2, found.join("\n"));
});

literals("every .tsx file in client/src renders only catalogue text", () => {
  const files = tsxFiles(clientSrc);
  assert.ok(files.length >= 10, "found the components");
  const found = files.flatMap((file) => findRawStrings(file, readFileSync(file, "utf8")));
  assert.equal(found, []);
});

literals.run();
