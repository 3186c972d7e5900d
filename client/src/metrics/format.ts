// How a figure reads on screen, in the user's language: durations as minutes and seconds, shares as
// percentages, "—" where there is nothing to measure yet.
import { kpiDefinitions, type KpiName } from "@caseroom/shared";
import { formatDuration, formatNumber, locale } from "../i18n/index.ts";

export const NO_VALUE = "—";

export function formatKpi(kpi: KpiName, value: number | null | undefined, style: "long" | "short" | "narrow" = "short"): string {
  if (value === null || value === undefined) return NO_VALUE;
  switch (kpiDefinitions[kpi].unit) {
    case "s":
      return formatDuration(value * 1000, style);
    case "%":
      return formatNumber(value / 100, { style: "percent", maximumFractionDigits: 1 });
    case "count":
      return formatNumber(value);
    case "points":
      return formatNumber(value, { maximumFractionDigits: 1 });
  }
}

/** Short axis labels: "14:05" or "2:05 PM" for a live chart, "18 Nov" / "18 нояб." for a daily one. */
export function axisLabel(epochS: number, kind: "time" | "day", timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = kind === "time" ? { hour: "numeric", minute: "2-digit" } : { day: "numeric", month: "short" };
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone }).format(epochS * 1000);
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(epochS * 1000);
  }
}

export type Trend = "better" | "worse" | "same";

/** Whether `now` is better than `before`, given which way is good for this figure. */
export function trendOf(kpi: KpiName, now: number | null, before: number | null): Trend | undefined {
  if (now === null || before === null) return undefined;
  if (Math.abs(now - before) < 1e-9) return "same";
  return now > before === kpiDefinitions[kpi].higherIsBetter ? "better" : "worse";
}
