// The chat's markdown subset: sanitising is idempotent and safe; the parse tree never carries an
// unsafe link, whatever the source says (the client renders this tree, never HTML).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chatPlainText, parseChatMarkdown, sanitizeChatText, type ChatBlock, type ChatInline } from "@caseroom/shared";

const test = suite("chat markdown");

const links = (blocks: ChatBlock[]): string[] => {
  const inline = (nodes: ChatInline[]): string[] => nodes.flatMap((n) => (n.type === "link" ? [n.href] : n.type === "strong" || n.type === "em" ? inline(n.children) : []));
  return blocks.flatMap((b) => (b.type === "paragraph" ? b.lines.flatMap(inline) : b.type === "list" ? b.items.flatMap(inline) : []));
};

test("the subset: bold, italic, code, code blocks, links, autolinks, lists", () => {
  const blocks = parseChatMarkdown("**Bold** _it_ `x<y`\n- one\n- [two](https://example.com/a_(b))\n\n```\nline 1\nline 2\n```\nsee https://example.com/page.");
  assert.equal(blocks.map((b) => b.type), ["paragraph", "list", "code", "paragraph"]);
  assert.equal(links(blocks), ["https://example.com/a_(b)", "https://example.com/page"]);
  assert.is(chatPlainText("**Bold** _it_"), "Bold it");
});

test("unsafe schemes never become links, even unsanitised", () => {
  for (const src of ["[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "[x](data:text/html,hi)", "[x](vbscript:msgbox)", "[x](//evil.example)"]) {
    assert.equal(links(parseChatMarkdown(src)), [], src);
  }
});

test("sanitising is idempotent and strips tags, controls and bidi overrides", () => {
  for (const src of ["<a href=x>hi</a>", "a\u202Eb", "<<b>b>", "[x](javascript:alert(1))", "ok\r\nnext", "  padded  "]) {
    const once = sanitizeChatText(src);
    assert.is(sanitizeChatText(once), once, src);
    assert.not.match(once, /<[a-z/]|\u202E|\r|javascript:/i);
  }
});

test.run();
