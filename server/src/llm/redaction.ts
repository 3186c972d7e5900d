// Personal data is replaced by placeholders before text leaves for a provider ([EMAIL_1], [PHONE_1],
// [CARD_1], [IBAN_1], [ORDER_1] for an organisation's own pattern) and put back in the answer staff see.
// One Redaction per call: the same value always gets the same placeholder, so the model can refer to it.
import type { RedactionSettings } from "@caseroom/shared";
import { checkPattern } from "./patterns.ts";

/** A placeholder as we write it. Also how we recognise one in the model's answer. */
const PLACEHOLDER = /\[([A-Z][A-Z0-9]*)_(\d{1,4})\]/g;
/** A prefix that may still grow into a placeholder in the next chunk of a stream. */
const PLACEHOLDER_PREFIX = /\[[A-Z0-9_]{0,30}$/;

export interface RedactionRules {
  email: boolean;
  phone: boolean;
  iban: boolean;
  patterns: { label: string; regex: RegExp }[];
}

/** The rules of an organisation's settings. Payment cards are always on: there is no switch for them. */
export function redactionRules(settings: Omit<RedactionSettings, "card">): RedactionRules {
  return {
    email: settings.email,
    phone: settings.phone,
    iban: settings.iban,
    patterns: settings.patterns.flatMap((p) => {
      const check = checkPattern(p);
      // Patterns are checked before they are saved; one that no longer passes is skipped, not fatal.
      return check.ok ? [{ label: p.label, regex: check.regex }] : [];
    }),
  };
}

export class Redaction {
  private readonly originals = new Map<string, string>();
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Placeholder-looking text the input already had: never handed out, never "restored". */
  private readonly taken = new Set<string>();

  constructor(private readonly rules: RedactionRules) {}

  /** How many distinct values were replaced. */
  get count(): number {
    return this.originals.size;
  }

  /** The text with personal data replaced by placeholders. */
  redact(text: string): string {
    for (const m of text.matchAll(PLACEHOLDER)) this.taken.add(m[0]);
    let out = text;
    if (this.rules.email) out = this.outside(out, (s) => s.replace(EMAIL, (v) => (isEmail(v) ? this.placeholder("EMAIL", v.toLowerCase(), v) : v)));
    if (this.rules.iban) out = this.outside(out, (s) => replaceGrouped(s, IBAN_SPAN, " ", isIban, (v, key) => this.placeholder("IBAN", key, v)));
    out = this.outside(out, (s) => replaceGrouped(s, CARD_SPAN, /[ -]/, isCard, (v, key) => this.placeholder("CARD", key, v)));
    if (this.rules.phone) out = this.outside(out, (s) => s.replace(PHONE, (v) => (isPhone(v) ? this.placeholder("PHONE", digits(v), v) : v)));
    for (const { label, regex } of this.rules.patterns) {
      out = this.outside(out, (s) => s.replace(regex, (v) => this.placeholder(label, v, v)));
    }
    return out;
  }

  /** The text with every placeholder this redaction handed out put back. */
  restore(text: string): string {
    return text.replace(PLACEHOLDER, (whole) => this.originals.get(whole) ?? whole);
  }

  /** Restores a stream of chunks, holding back a placeholder cut in two until its end arrives. */
  restorer(): { push(text: string): string; flush(): string } {
    let pending = "";
    return {
      push: (text) => {
        pending += text;
        const cut = PLACEHOLDER_PREFIX.exec(pending);
        const ready = cut ? pending.slice(0, cut.index) : pending;
        pending = cut ? pending.slice(cut.index) : "";
        return this.restore(ready);
      },
      flush: () => {
        const rest = this.restore(pending);
        pending = "";
        return rest;
      },
    };
  }

  private placeholder(label: string, key: string, original: string): string {
    const known = this.byValue.get(`${label}:${key}`);
    if (known) return known;
    let n = this.counters.get(label) ?? 0;
    let name: string;
    do name = `[${label}_${++n}]`;
    while (this.taken.has(name));
    this.counters.set(label, n);
    this.byValue.set(`${label}:${key}`, name);
    this.originals.set(name, original);
    return name;
  }

  /** Applies `replace` to the parts of `text` that are not placeholders already. */
  private outside(text: string, replace: (segment: string) => string): string {
    let out = "";
    let last = 0;
    for (const m of text.matchAll(PLACEHOLDER)) {
      out += replace(text.slice(last, m.index)) + m[0];
      last = m.index + m[0].length;
    }
    return out + replace(text.slice(last));
  }
}

// ---- detectors ------------------------------------------------------------------------------------
// Every pattern starts only where a token starts and has bounded repeats, so a scan stays linear.

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;
const isEmail = (v: string) => /\.\p{L}{2,63}$/u.test(v);

const digits = (v: string) => v.replace(/\D/g, "");

/** Digit groups split by spaces or dashes; the card is found among consecutive groups. */
const CARD_SPAN = /(?<![\p{L}\p{N}])\d{1,19}(?:[ -]\d{1,19}){0,12}(?![\p{L}\p{N}])/gu;

function isCard(candidate: string): string | undefined {
  const d = digits(candidate);
  if (d.length < 13 || d.length > 19) return undefined;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
  }
  return sum % 10 === 0 ? d : undefined;
}

const IBAN_SPAN = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}[A-Z0-9]{0,30}(?: [A-Z0-9]{1,30}){0,10}(?![\p{L}\p{N}])/gu;

function isIban(candidate: string): string | undefined {
  const compact = candidate.replace(/ /g, "");
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return undefined;
  // ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= "A" ? ch.charCodeAt(0) - 55 : Number(ch);
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1 ? compact : undefined;
}

const PHONE = /(?<![\p{L}\p{N}_+.-])(?:\+ ?)?(?:\(\d{1,6}\)[ .-]?|\d{1,15}[ .-]){0,6}\d{1,15}(?![\p{L}\p{N}_]|[.-]\d)/gu;

/** Numbers that look like phone numbers, not like dates, versions, addresses or plain counts. */
function isPhone(candidate: string): boolean {
  const count = digits(candidate).length;
  if (count < 7 || count > 15) return false;
  if (candidate.startsWith("+")) return true;
  if (/\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}/.test(candidate)) return false;
  const separators = candidate.replace(/[\d]/g, "");
  if (separators === "") return count >= 10 && count <= 12;
  // Dotted numbers are versions and IP addresses far more often than phones.
  if (/^\.+$/.test(separators)) return false;
  // After the first group (a trunk or country prefix may be one digit) every group has two digits or more.
  return candidate
    .split(/[ .()-]+/)
    .filter(Boolean)
    .slice(1)
    .every((group) => group.length >= 2);
}

/**
 * Replaces values found among consecutive groups of a span (cards as `4111 1111 1111 1111`, IBANs in
 * blocks of four), preferring the leftmost start and the longest run, so text that merely follows a
 * number ("… 1111 12/25", "… 00 THANKS") does not hide it.
 */
function replaceGrouped(
  text: string,
  span: RegExp,
  separator: string | RegExp,
  validate: (candidate: string) => string | undefined,
  replace: (value: string, key: string) => string,
): string {
  return text.replace(span, (whole) => {
    const parts = whole.split(new RegExp(`(${typeof separator === "string" ? separator : separator.source})`));
    // parts alternates group, separator, group…; indexes of groups are even.
    let out = "";
    let i = 0;
    while (i < parts.length) {
      let matched = false;
      for (let j = parts.length - 1; j >= i; j -= 2) {
        const candidate = parts.slice(i, j + 1).join("");
        const key = validate(candidate);
        if (key) {
          out += replace(candidate, key);
          i = j + 1;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out += parts[i]!;
        i += 1;
      }
      // Copy the separator after a group as it was.
      if (i < parts.length && i % 2 === 1) {
        out += parts[i]!;
        i += 1;
      }
    }
    return out;
  });
}
