// [P1] Detection of personal data and its restoration, including across stream chunk boundaries;
// [P4] the safe subset for organisation-defined patterns.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkPattern } from "../../server/src/llm/patterns.ts";
import { Redaction, redactionRules } from "../../server/src/llm/redaction.ts";

const all = () => new Redaction(redactionRules({ email: true, phone: true, iban: true, patterns: [] }));

const detect = suite("[P1] detectors");

detect("e-mail addresses, with the same address getting the same placeholder", () => {
  const r = all();
  assert.is(r.redact("Write to a.b+c@mail.example.co.uk or A.B+C@MAIL.example.co.uk, not to me@"), "Write to [EMAIL_1] or [EMAIL_1], not to me@");
  assert.is(r.redact("user@localhost is not an address on the internet"), "user@localhost is not an address on the internet");
});

detect("phone numbers in common formats are found", () => {
  for (const phone of ["+7 (916) 123-45-67", "+44 20 7946 0958", "(555) 123-4567", "555-123-4567", "+1-202-555-0143", "89161234567", "+33 1 23 45 67 89", "8 916 123 45 67"]) {
    assert.is(all().redact(`call ${phone} today`), "call [PHONE_1] today", phone);
  }
});

detect("numbers that are not phones are left alone", () => {
  for (const text of ["2024-01-15 10:30", "15.01.2024", "IP 192.168.100.200", "build 10.0.19045.2965", "ticket 12345", "port 8080", "KB5034441", "error 0x80070005", "v1.2.3", "1234567", "3 4 5 6 7 8 9"]) {
    assert.is(all().redact(text), text, text);
  }
});

detect("payment cards pass the Luhn check; other long numbers do not", () => {
  const r = all();
  assert.is(r.redact("card 4111 1111 1111 1111, exp 12/27"), "card [CARD_1], exp 12/27");
  assert.is(r.redact("again 4111-1111-1111-1111 and amex 3782 822463 10005"), "again [CARD_1] and amex [CARD_2]");
  assert.is(r.redact("order 4111 1111 1111 1112 is not a card"), "order 4111 1111 1111 1112 is not a card");
  assert.is(r.redact("serial 41111111111111112222 is too long"), "serial 41111111111111112222 is too long");
  assert.is(r.redact("ref 12 4111 1111 1111 1111 99"), "ref 12 [CARD_1] 99", "found among the groups around it");
});

detect("IBANs pass the mod-97 check", () => {
  const r = all();
  assert.is(r.redact("pay to DE89 3704 0044 0532 0130 00 THANKS"), "pay to [IBAN_1] THANKS");
  assert.is(r.redact("or GB82WEST12345698765432."), "or [IBAN_2].");
  assert.is(r.redact("not GB82WEST12345698765433"), "not GB82WEST12345698765433");
});

detect("payment cards are redacted even with every switch off", () => {
  const r = new Redaction(redactionRules({ email: false, phone: false, iban: false, patterns: [] }));
  assert.is(r.redact("me@example.com 4111111111111111 +44 20 7946 0958"), "me@example.com [CARD_1] +44 20 7946 0958");
});

detect("organisation patterns get their own label", () => {
  const r = new Redaction(redactionRules({ email: true, phone: true, iban: true, patterns: [{ label: "ORDER", pattern: "ORD-\\d{6}", caseInsensitive: true }] }));
  assert.is(r.redact("ord-123456 and ORD-654321 and ORD-12"), "[ORDER_1] and [ORDER_2] and ORD-12");
});

detect("text that already looks like a placeholder is never handed out or restored", () => {
  const r = all();
  const out = r.redact("The form says [EMAIL_1]; my address is x@example.com");
  assert.is(out, "The form says [EMAIL_1]; my address is [EMAIL_2]");
  assert.is(r.restore("[EMAIL_1] / [EMAIL_2] / [EMAIL_3]"), "[EMAIL_1] / x@example.com / [EMAIL_3]");
});

detect.run();

const restore = suite("[P1] restoring a streamed answer");

restore("a placeholder cut at any point between two chunks is restored whole", () => {
  const r = all();
  r.redact("mail x@example.com, phone +44 20 7946 0958");
  const answer = "Reply to [EMAIL_1] or ring [PHONE_1].";
  for (let cut = 0; cut <= answer.length; cut++) {
    const restorer = r.restorer();
    const shown = restorer.push(answer.slice(0, cut)) + restorer.push(answer.slice(cut)) + restorer.flush();
    assert.is(shown, "Reply to x@example.com or ring +44 20 7946 0958.", `cut at ${cut}`);
  }
});

restore("one character at a time, and text with brackets that are not placeholders", () => {
  const r = all();
  r.redact("x@example.com");
  const answer = "See [1] and [EMAIL_1] [note] [EMAIL_9] [";
  const restorer = r.restorer();
  let shown = "";
  for (const ch of answer) shown += restorer.push(ch);
  shown += restorer.flush();
  assert.is(shown, "See [1] and x@example.com [note] [EMAIL_9] [");
});

restore("text is held back only while it can still become a placeholder", () => {
  const r = all();
  const restorer = r.restorer();
  assert.is(restorer.push("Hello [EMA"), "Hello ");
  assert.is(restorer.push("IL and more"), "[EMAIL and more");
});

restore.run();

const patterns = suite("[P4] organisation patterns: a safe subset");

patterns("ordinary patterns pass; * and + are capped", () => {
  for (const pattern of ["ORD-\\d{6}", "[A-Z]{2,4}-\\d{4,8}-[A-Z]{1,3}", "(?:INV|ORD)-\\d+", "cust\\w+@corp", "\\p{Lu}{3}\\d{3}", "ACC(?:-\\d{2,4})?-\\d{6}", "[^\\s]{3}#\\d{2}"]) {
    const check = checkPattern({ pattern, caseInsensitive: false });
    assert.ok(check.ok, `${pattern}: ${check.ok ? "" : check.reason}`);
  }
  const capped = checkPattern({ pattern: "(?:INV|ORD)-\\d+", caseInsensitive: false });
  assert.is(capped.ok && capped.source, "(?:INV|ORD)-\\d{1,32}");
});

patterns("patterns that could backtrack without bound, or are not regular expressions, are refused with a reason", () => {
  const refused: [string, RegExp][] = [
    ["(a+)+b", /repeated group/],
    ["(a|aa)*", /repeated group|ways/],
    ["(\\w|\\d){1,50}x", /ways/],
    ["\\w*\\w*\\w*@", /ways/],
    ["(?=x)x", /lookarounds/],
    ["(?<n>x)", /lookarounds/],
    ["(a)\\1", /backreferences/],
    ["a{1,500}", /limited/],
    ["a**", /repeated/],
    ["x{2,1}", /backwards/],
    ["[abc", /unclosed/],
    ["(abc", /unclosed/],
    ["\\d{0,5}", /empty/],
    ["a|", /empty/],
    ["\\q", /not a valid/],
  ];
  for (const [pattern, reason] of refused) {
    const check = checkPattern({ pattern, caseInsensitive: false });
    assert.not.ok(check.ok, pattern);
    if (!check.ok) assert.match(check.reason, reason, `${pattern}: ${check.reason}`);
  }
});

patterns("the worst accepted pattern scans a hostile 20 000-character input quickly", () => {
  const check = checkPattern({ pattern: "\\w+@\\w+x", caseInsensitive: false });
  assert.ok(check.ok);
  if (!check.ok) return;
  const hostile = `${"a".repeat(10_000)}@${"a".repeat(9_999)}`;
  const started = performance.now();
  hostile.replace(check.regex, "");
  assert.ok(performance.now() - started < 500, "bounded backtracking");
});

patterns.run();
