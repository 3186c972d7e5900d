// Organisation-defined redaction patterns run over customer text on the shared server, so a pattern
// must not be able to stall it (catastrophic backtracking). Instead of a timeout we accept only a
// subset of regular expressions whose backtracking is bounded by construction:
//   - no backreferences, lookarounds or inline modifiers;
//   - no quantified group that itself contains a quantifier (`(a+)+`), except an optional one (`(?:-\d+)?`);
//   - every repeat bounded: `*` and `+` mean at most 32, `{n,m}` at most 100;
//   - the number of ways one start position can be matched (the product of the repeat ranges and
//     alternatives) at most 2048, so a scan costs at most that many steps per character;
//   - the pattern must not match the empty string.
import type { RedactionPattern } from "@caseroom/shared";

export const MAX_PATTERN_REPEAT = 32;
const MAX_BOUNDED_REPEAT = 100;
const MAX_COMPLEXITY = 2048;

export type PatternCheck = { ok: true; source: string; regex: RegExp } | { ok: false; reason: string };

interface Node {
  /** Ways this node can match at one position: the backtracking it can cause. */
  cost: number;
  /** Whether it contains a quantifier. */
  quantified: boolean;
}

class PatternError extends Error {}

/** Checks a pattern against the safe subset; on success returns the compiled (repeat-capped) RegExp. */
export function checkPattern(pattern: Pick<RedactionPattern, "pattern" | "caseInsensitive">): PatternCheck {
  try {
    const parser = new Parser(pattern.pattern);
    const root = parser.alternation();
    if (parser.pos < parser.src.length) throw new PatternError(`unexpected "${parser.src[parser.pos]}"`);
    if (root.cost > MAX_COMPLEXITY) throw new PatternError("too many ways to match: use fewer or narrower repeats");
    const flags = pattern.caseInsensitive ? "giu" : "gu";
    let regex: RegExp;
    try {
      regex = new RegExp(parser.out, flags);
    } catch (err) {
      throw new PatternError(`not a valid regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, "")})`);
    }
    if (new RegExp(`^(?:${parser.out})$`, flags.replace("g", "")).test("")) throw new PatternError("matches empty text");
    return { ok: true, source: parser.out, regex };
  } catch (err) {
    if (err instanceof PatternError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** A recursive-descent reader of the accepted subset that also writes the repeat-capped source. */
class Parser {
  pos = 0;
  out = "";
  constructor(readonly src: string) {}

  alternation(): Node {
    let cost = 0;
    let quantified = false;
    for (;;) {
      const branch = this.sequence();
      cost += branch.cost;
      quantified ||= branch.quantified;
      if (this.src[this.pos] !== "|") return { cost, quantified };
      this.out += "|";
      this.pos++;
    }
  }

  private sequence(): Node {
    let cost = 1;
    let quantified = false;
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const atom = this.atom();
      const node = this.quantifier(atom);
      cost = Math.min(cost * node.cost, Number.MAX_SAFE_INTEGER);
      quantified ||= node.quantified;
    }
    return { cost, quantified };
  }

  private atom(): Node {
    const ch = this.src[this.pos]!;
    if (ch === "(") return this.group();
    if (ch === "[") return this.charClass();
    if (ch === "\\") return this.escape();
    if ("*+?{".includes(ch)) throw new PatternError(`nothing to repeat before "${ch}"`);
    if (ch === "}" || ch === "]") throw new PatternError(`unexpected "${ch}"`);
    this.out += ch;
    this.pos++;
    return { cost: 1, quantified: false };
  }

  private group(): Node {
    this.pos++;
    if (this.src[this.pos] === "?") {
      if (this.src[this.pos + 1] !== ":") throw new PatternError("only plain (…) and (?:…) groups are allowed: no lookarounds or named groups");
      this.pos += 2;
      this.out += "(?:";
    } else {
      this.out += "(";
    }
    const inner = this.alternation();
    if (this.src[this.pos] !== ")") throw new PatternError("unclosed group");
    this.pos++;
    this.out += ")";
    return inner;
  }

  private charClass(): Node {
    const start = this.pos;
    this.pos++;
    if (this.src[this.pos] === "^") this.pos++;
    if (this.src[this.pos] === "]") this.pos++;
    while (this.pos < this.src.length && this.src[this.pos] !== "]") {
      if (this.src[this.pos] === "\\") this.pos++;
      if (this.src[this.pos] === "[") throw new PatternError('"[" inside a character class: escape it as \\[');
      this.pos++;
    }
    if (this.src[this.pos] !== "]") throw new PatternError("unclosed character class");
    this.pos++;
    this.out += this.src.slice(start, this.pos);
    return { cost: 1, quantified: false };
  }

  private escape(): Node {
    const next = this.src[this.pos + 1];
    if (next === undefined) throw new PatternError("a pattern cannot end with \\");
    if (/[1-9]/.test(next) || next === "k") throw new PatternError("backreferences are not allowed");
    let end = this.pos + 2;
    if ((next === "p" || next === "P") && this.src[end] === "{") end = this.src.indexOf("}", end) + 1 || this.src.length;
    else if (next === "u" && this.src[end] === "{") end = this.src.indexOf("}", end) + 1 || this.src.length;
    else if (next === "u") end += 4;
    else if (next === "x") end += 2;
    this.out += this.src.slice(this.pos, end);
    this.pos = end;
    return { cost: 1, quantified: false };
  }

  private quantifier(atom: Node): Node {
    const ch = this.src[this.pos];
    let min: number;
    let max: number;
    let written: string;
    if (ch === "*" || ch === "+") {
      min = ch === "*" ? 0 : 1;
      max = MAX_PATTERN_REPEAT;
      written = `{${min},${max}}`;
      this.pos++;
    } else if (ch === "?") {
      min = 0;
      max = 1;
      written = "?";
      this.pos++;
    } else if (ch === "{") {
      const m = /^\{(\d{1,3})(,(\d{0,3}))?\}/.exec(this.src.slice(this.pos));
      if (!m) throw new PatternError('a repeat is written {n}, {n,} or {n,m}; escape a literal "{" as \\{');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Math.max(min, MAX_PATTERN_REPEAT) : Number(m[3]);
      if (max < min) throw new PatternError(`repeat {${min},${max}} is backwards`);
      if (max > MAX_BOUNDED_REPEAT) throw new PatternError(`repeats are limited to ${MAX_BOUNDED_REPEAT}`);
      written = min === max ? `{${min}}` : `{${min},${max}}`;
      this.pos += m[0].length;
    } else {
      return atom;
    }
    if (this.src[this.pos] === "?") {
      written += "?";
      this.pos++;
    }
    const after = this.src[this.pos];
    if (after !== undefined && "*+?{".includes(after)) throw new PatternError("a repeat cannot be repeated");
    if (atom.quantified && max > 1) throw new PatternError("a repeated group cannot contain another repeat, as in (a+)+");
    this.out += written;
    return { cost: repeatCost(atom.cost, min, max), quantified: true };
  }
}

/** Ways `min..max` repeats of something matchable `ways` ways can match: Σ ways^k, capped. */
function repeatCost(ways: number, min: number, max: number): number {
  if (ways === 1) return max - min + 1;
  let total = 0;
  for (let k = min; k <= max && total <= MAX_COMPLEXITY; k++) total += ways ** k;
  return total;
}
