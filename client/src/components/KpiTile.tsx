// One figure as a tile: name, value, how many inputs, and the trend against a comparison value.
// A button: selecting it opens the figure's explanation.
import { Show } from "solid-js";
import type { KpiName, KpiValue } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { formatKpi, trendOf } from "../metrics/format.ts";

export function KpiTile(props: {
  kpi: KpiName;
  figure: KpiValue;
  compare?: number | null;
  compareLabel?: string;
  /** "narrow" (13m 20s) where space is tight, as on a wallboard. */
  durations?: "short" | "narrow";
  onExplain: (kpi: KpiName) => void;
}) {
  const trend = () => (props.compare === undefined ? undefined : trendOf(props.kpi, props.figure.value, props.compare));
  return (
    <button type="button" class={`kpi-tile trend-${trend() ?? "none"}`} onClick={() => props.onExplain(props.kpi)} data-testid={`kpi-${props.kpi}`} data-value={props.figure.value ?? ""}>
      <span class="kpi-name">{t(`kpi.${props.kpi}`)}</span>
      <span class="kpi-value">{formatKpi(props.kpi, props.figure.value, props.durations)}</span>
      <span class="kpi-meta">
        <span>{t("kpi.n", { n: String(props.figure.n) })}</span>
        <Show when={trend()}>
          {(dir) => (
            <span class="kpi-trend">
              <span aria-hidden="true">{dir() === "same" ? "→" : (props.figure.value ?? 0) > (props.compare ?? 0) ? "▲" : "▼"}</span>
              <span class="sr-only">{t(`kpi.trend.${dir()}`)}</span> {props.compareLabel ?? ""} {formatKpi(props.kpi, props.compare, props.durations)}
            </span>
          )}
        </Show>
      </span>
    </button>
  );
}
