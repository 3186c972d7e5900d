// Windows in time: today in the organisation's zone, the sliding windows, explicit ranges. All spans
// are half-open [from, to) and never reach past now ([M2]).
import { METRICS_RETENTION_DAYS, type MetricWindow } from "@caseroom/shared";
import { AppError } from "../http/index.ts";
import type { Span } from "./evaluate.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// Building a formatter costs far more than using one, and every wallboard push asks several times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoned(ms: number, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) formatters.set(timeZone, (format = formatter(timeZone)));
  const parts = format.formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), min: get("minute"), s: get("second") };
}

function formatter(timeZone: string) {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offset(ms: number, timeZone: string): number {
  const z = zoned(ms, timeZone);
  return Date.UTC(z.y, z.m - 1, z.d, z.h, z.min, z.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant the local day containing `ms` began in `timeZone` (DST-safe: the offset is re-read at the guess). */
export function startOfDay(ms: number, timeZone: string): number {
  const z = zoned(ms, timeZone);
  const midnightAsUtc = Date.UTC(z.y, z.m - 1, z.d);
  let guess = midnightAsUtc - offset(midnightAsUtc, timeZone);
  guess = midnightAsUtc - offset(guess, timeZone);
  return guess;
}

/** The local calendar date of `ms`, as YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  const z = zoned(ms, timeZone);
  return `${z.y}-${String(z.m).padStart(2, "0")}-${String(z.d).padStart(2, "0")}`;
}

/** The starts of the last `count` local days, oldest first, ending with today. */
export function lastDays(now: number, count: number, timeZone: string): { day: string; span: Span }[] {
  const days: { day: string; span: Span }[] = [];
  let end = now;
  let start = startOfDay(now, timeZone);
  for (let i = 0; i < count; i++) {
    days.unshift({ day: localDate(start, timeZone), span: { from: start, to: end, now } });
    end = start;
    // Noon of the previous day is inside it whatever the DST change.
    start = startOfDay(start - 12 * 60 * MINUTE, timeZone);
  }
  return days;
}

export function windowSpan(window: MetricWindow, now: number, timeZone: string): Span {
  switch (window) {
    case "today":
      return { from: startOfDay(now, timeZone), to: now, now };
    case "15m":
      return { from: now - 15 * MINUTE, to: now, now };
    case "60m":
      return { from: now - 60 * MINUTE, to: now, now };
    case "7d":
      return { from: now - 7 * DAY, to: now, now };
  }
}

/** A live window or an explicit range; ranges must lie within the retained detail ([M17]). */
export function resolveSpan(q: { window?: MetricWindow; from?: string; to?: string }, now: number, timeZone: string): Span {
  if (!q.from || !q.to) return windowSpan(q.window ?? "today", now, timeZone);
  const from = Date.parse(q.from);
  const to = Math.min(Date.parse(q.to), now);
  const horizon = now - METRICS_RETENTION_DAYS * DAY;
  if (from < horizon) {
    throw new AppError("validation_failed", `Invalid range: from: detail is kept for ${METRICS_RETENTION_DAYS} days`, {
      fields: [{ path: "from", message: `must be within the last ${METRICS_RETENTION_DAYS} days` }],
    });
  }
  return { from, to: Math.max(from, to), now };
}

/** The same span shifted back one day: today so far against yesterday up to the same time. */
export function yesterdayOf(span: Span, timeZone: string): Span {
  const from = startOfDay(span.from - 12 * 60 * MINUTE, timeZone);
  return { from, to: from + (span.to - span.from), now: span.now };
}
