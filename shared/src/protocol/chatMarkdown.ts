// The chat's markdown subset, one grammar for both sides: the server sanitises the source with it
// before storing, the client renders its parse tree into elements (never innerHTML).
//
// Supported: paragraphs and line breaks; **bold**; *italic* and _italic_; `inline code`;
// ``` fenced code blocks ```; [text](https://…) links (http, https and mailto only); bare
// http(s) URLs become links; "- " or "* " bullet lists. Everything else is literal text.
// Sanitising removes control and bidirectional-override characters and raw HTML tags, turns links
// with any other scheme (javascript:, data:…) into their plain label, and keeps at most two blank
// lines in a row.

export type ChatInline =
  | { type: "text"; text: string }
  | { type: "strong"; children: ChatInline[] }
  | { type: "em"; children: ChatInline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; text: string };

export type ChatBlock =
  | { type: "paragraph"; lines: ChatInline[][] }
  | { type: "code"; text: string }
  | { type: "list"; items: ChatInline[][] };

const SAFE_SCHEME = /^(https?:\/\/|mailto:)/i;
// C0 controls except tab and newline, DEL, C1 controls, bidi embeddings, overrides and isolates.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const HTML_TAG = /<\/?[a-zA-Z][^<>]*>|<!--[\s\S]*?-->/g;
// A link target may hold one level of parentheses (wikipedia-style URLs, and `javascript:f(1)`).
const HREF = String.raw`(?:[^()\s]|\([^()\s]*\))+`;
const MD_LINK = new RegExp(String.raw`\[([^\]\n]{0,500})\]\((${HREF})\)`, "g");

export function isSafeHref(href: string): boolean {
  return SAFE_SCHEME.test(href);
}

/** The stored form of a message's text. Idempotent: sanitising twice changes nothing more. */
export function sanitizeChatText(input: string): string {
  let text = input.normalize("NFC").replace(/\r\n?/g, "\n").replace(UNSAFE_CHARS, "");
  // Tags go repeatedly, so that "<scr<b>ipt>" cannot reassemble into a tag.
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(HTML_TAG, "");
  }
  text = text.replace(MD_LINK, (whole, label: string, href: string) => (isSafeHref(href) ? whole : label));
  text = text.replace(/\n{4,}/g, "\n\n\n");
  return text.trim();
}

const INLINE = new RegExp(
  String.raw`(\x60[^\x60\n]+\x60)|(\*\*[^*\n]+?\*\*)|(\*[^*\s][^*\n]*?\*|_[^_\s][^_\n]*?_)|(\[[^\]\n]+\]\(${HREF}\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])`,
  "g",
);

export function parseInline(text: string, depth = 0): ChatInline[] {
  const out: ChatInline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index;
    if (at > last) out.push({ type: "text", text: text.slice(last, at) });
    const [whole, code, strong, em, link, url] = m;
    if (code) out.push({ type: "code", text: code.slice(1, -1) });
    else if (strong) out.push(depth > 2 ? { type: "text", text: whole } : { type: "strong", children: parseInline(strong.slice(2, -2), depth + 1) });
    else if (em) out.push(depth > 2 ? { type: "text", text: whole } : { type: "em", children: parseInline(em.slice(1, -1), depth + 1) });
    else if (link) {
      const split = link.indexOf("](");
      const label = link.slice(1, split);
      const href = link.slice(split + 2, -1);
      out.push(isSafeHref(href) ? { type: "link", href, text: label } : { type: "text", text: label });
    } else if (url) out.push({ type: "link", href: url, text: url });
    last = at + whole.length;
  }
  if (last < text.length) out.push({ type: "text", text: text.slice(last) });
  return out;
}

export function parseChatMarkdown(source: string): ChatBlock[] {
  const blocks: ChatBlock[] = [];
  const lines = source.split("\n");
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: "paragraph", lines: paragraph.map((l) => parseInline(l)) });
    if (list.length) blocks.push({ type: "list", items: list.map((l) => parseInline(l)) });
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimStart().startsWith("```")) {
      const end = lines.findIndex((l, j) => j > i && l.trimStart().startsWith("```"));
      if (end !== -1) {
        flush();
        blocks.push({ type: "code", text: lines.slice(i + 1, end).join("\n") });
        i = end;
        continue;
      }
    }
    const item = /^\s*[-*] (.*)$/.exec(line);
    if (item) {
      if (paragraph.length) flush();
      list.push(item[1]!);
    } else if (line.trim() === "") {
      flush();
    } else {
      if (list.length) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

/** The text without markup, for notifications, search snippets and screen-reader summaries. */
export function chatPlainText(source: string): string {
  const inline = (nodes: ChatInline[]): string =>
    nodes.map((n) => (n.type === "strong" || n.type === "em" ? inline(n.children) : n.text)).join("");
  return parseChatMarkdown(source)
    .map((b) => (b.type === "code" ? b.text : b.type === "list" ? b.items.map(inline).join("\n") : b.lines.map(inline).join("\n")))
    .join("\n");
}
