// Internationalisation without a library. A typed dictionary gives us compile-time completeness
// (ru.ts is typed against en.ts, and t()'s parameters are checked against the `{placeholders}` of
// the English text) and Solid reactivity for free: t() reads the locale signal, so every JSX
// expression that calls it re-renders when the language changes. Plurals use Intl.PluralRules and
// dates, numbers and durations use the other Intl formatters, so no locale data ships with the app.
import { createSignal } from "solid-js";
import { defaultLocale, locales, type Locale } from "@caseroom/shared";
import { en } from "./en.ts";
import { ru } from "./ru.ts";

type Source = typeof en;
export type MessageKey = keyof Source;

/** A catalogue with the same keys as the English source; plural entries use the locale's categories. */
export type Catalogue<Plural> = { readonly [K in MessageKey]: Source[K] extends string ? string : Plural };
export type RussianCatalogue = Catalogue<{ one: string; few: string; many: string; other: string }>;
type AnyPlural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const catalogues: Record<Locale, Catalogue<AnyPlural>> = { en, ru };

/** `{name}` placeholders of a message, as a union of their names. */
type Placeholders<S> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type ParamNames<K extends MessageKey> = Source[K] extends string
  ? Placeholders<Source[K]>
  : "count" | Placeholders<Source[K][keyof Source[K]]>;
type Args<K extends MessageKey> = [ParamNames<K>] extends [never] ? [] : [params: Record<ParamNames<K>, string | number>];

// ---- the current locale -------------------------------------------------------------------------

const isLocale = (value: unknown): value is Locale => (locales as readonly unknown[]).includes(value);

/** The browser's first supported language (ru-RU → ru, en-GB → en), else the default. */
export function browserLocale(): Locale {
  const tags = typeof navigator === "undefined" ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const base = tag?.toLowerCase().split("-")[0];
    if (isLocale(base)) return base;
  }
  return defaultLocale;
}

/** The user's own choice, else the organisation's language, else the browser's. */
export function pickLocale(userLocale: Locale | null | undefined, orgLocale: Locale | null | undefined): Locale {
  return userLocale ?? orgLocale ?? browserLocale();
}

const [locale, setLocaleSignal] = createSignal<Locale>(browserLocale());
export { locale };

export function setLocale(next: Locale): void {
  setLocaleSignal(next);
  if (typeof document !== "undefined") document.documentElement.lang = next;
}
setLocale(locale());

// ---- messages -----------------------------------------------------------------------------------

const cache = new Map<string, unknown>();
/** One Intl formatter per locale and options: they are costly to build and immutable. */
function memo<T>(key: string, build: () => T): T {
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}
const pluralRules = (loc: Locale) => memo(`plural:${loc}`, () => new Intl.PluralRules(loc));

function interpolate(text: string, params: Record<string, string | number> | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

/**
 * The message for `key` in the current locale. Reactive: call it inside JSX or an effect.
 * Numbers in params are formatted for the locale; pass identifiers (ticket numbers) as strings.
 */
export function t<K extends MessageKey>(key: K, ...args: Args<K>): string {
  const loc = locale();
  const params = args[0] as Record<string, string | number> | undefined;
  const entry = catalogues[loc][key] ?? catalogues.en[key];
  if (typeof entry === "string") return interpolate(entry, params);
  const count = Number(params?.count ?? 0);
  const form = entry[pluralRules(loc).select(count)] ?? entry.other;
  return interpolate(form, params);
}

// ---- formatting ---------------------------------------------------------------------------------

// A coarse clock so relative times ("3 minutes ago") stay true without each caller ticking.
const [clock, setClock] = createSignal(Date.now());
if (typeof window !== "undefined") window.setInterval(() => setClock(Date.now()), 15_000);
export { clock };

/** "Jordan, Sam and Alex" / "Jordan, Sam и Alex". */
export function formatList(items: readonly string[]): string {
  const loc = locale();
  return memo(`conj:${loc}`, () => new Intl.ListFormat(loc, { type: "conjunction" })).format(items);
}

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const loc = locale();
  return memo(`num:${loc}:${JSON.stringify(options)}`, () => new Intl.NumberFormat(loc, options)).format(value);
}

export interface DateTimeOptions {
  /** IANA zone to show the time in, normally the organisation's. */
  timeZone?: string;
  /** Append the zone's short name ("GMT+3"), for times read by people in other zones. */
  withZone?: boolean;
  /** Date only, no time of day. */
  dateOnly?: boolean;
}

export function formatDateTime(value: string | Date, options: DateTimeOptions = {}): string {
  const loc = locale();
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "";
  const intlOptions: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    ...(options.dateOnly ? {} : { hour: "numeric", minute: "2-digit" }),
    ...(options.withZone && !options.dateOnly ? { timeZoneName: "short" } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  };
  try {
    return memo(`dt:${loc}:${JSON.stringify(intlOptions)}`, () => new Intl.DateTimeFormat(loc, intlOptions)).format(date);
  } catch {
    // An unknown zone name from the server must not break the page: fall back to the browser's zone.
    return new Intl.DateTimeFormat(loc, { ...intlOptions, timeZone: undefined }).format(date);
  }
}

const relativeSteps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.345],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "5 minutes ago" / "5 минут назад"; reactive on the locale and on a 15-second clock. */
export function formatRelative(value: string | Date, now: number = clock()): string {
  const loc = locale();
  const at = (typeof value === "string" ? new Date(value) : value).getTime();
  if (Number.isNaN(at)) return "";
  let amount = (at - now) / 1000;
  // Clocks differ a little between server and browser: a time slightly in the future is "now".
  if (amount > 0 && amount < 60) amount = 0;
  const rtf = memo(`rel:${loc}`, () => new Intl.RelativeTimeFormat(loc, { numeric: "auto" }));
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(amount) < size || unit === "year") {
      // Seconds are noise in a live list: anything under a minute reads as "now".
      return unit === "second" ? rtf.format(0, "second") : rtf.format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return "";
}

/** A span of time as units: "1 minute, 30 seconds" / "1 минута 30 секунд". */
export function formatDuration(ms: number, style: "long" | "short" | "narrow" = "long"): string {
  const loc = locale();
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: [Intl.NumberFormatOptions["unit"], number][] = [
    ["hour", Math.floor(total / 3600)],
    ["minute", Math.floor((total % 3600) / 60)],
    ["second", total % 60],
  ];
  const shown = parts.filter(([, n]) => n > 0);
  const items = (shown.length ? shown : [["second", 0] as const]).map(([unit, n]) =>
    formatNumber(n, { style: "unit", unit, unitDisplay: style }),
  );
  return memo(`list:${loc}:${style}`, () => new Intl.ListFormat(loc, { type: "unit", style })).format(items);
}
