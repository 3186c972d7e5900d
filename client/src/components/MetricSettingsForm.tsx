// The organisation's first-response targets per priority (entered in minutes, stored in seconds) and
// the efficiency-score weights ([M8], [M12]). The server checks the same limits and has the last word.
import { createSignal, For, Show } from "solid-js";
import { scoreComponents, TicketPrioritySchema, type MetricSettings, type ScoreComponent, type TicketPriority } from "@caseroom/shared";
import { createAction } from "../ai/action.ts";
import { metricsApi } from "../metrics/api.ts";
import { t } from "../i18n/index.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

const priorities = TicketPrioritySchema.options;
// The shared schema's bounds: a target is a whole number of minutes between 1 minute and 7 days.
const MIN_MINUTES = 1;
const MAX_MINUTES = 7 * 24 * 60;

export function MetricSettingsForm(props: { settings: MetricSettings; onSaved: (settings: MetricSettings) => void }) {
  const [minutes, setMinutes] = createSignal(Object.fromEntries(priorities.map((p) => [p, String(props.settings.slaTargetsS[p] / 60)])) as Record<TicketPriority, string>);
  const [weights, setWeights] = createSignal(Object.fromEntries(scoreComponents.map((c) => [c, String(props.settings.scoreWeights[c])])) as Record<ScoreComponent, string>);
  const [invalid, setInvalid] = createSignal<Set<string>>(new Set());
  const [saved, setSaved] = createSignal(false);
  const { busy, error, run } = createAction();

  const anyBad = (prefix: string) => [...invalid()].some((k) => k.startsWith(prefix));
  const number = (text: string) => (text.trim() === "" ? NaN : Number(text.trim().replace(",", ".")));
  const weightSum = () => scoreComponents.reduce((sum, c) => sum + (Number.isFinite(number(weights()[c])) ? number(weights()[c]) : 0), 0);

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    setSaved(false);
    const bad = new Set<string>();
    for (const p of priorities) {
      const m = number(minutes()[p]);
      if (!Number.isInteger(m) || m < MIN_MINUTES || m > MAX_MINUTES) bad.add(`sla-${p}`);
    }
    for (const c of scoreComponents) {
      const w = number(weights()[c]);
      if (!Number.isFinite(w) || w < 0 || w > 100) bad.add(`weight-${c}`);
    }
    if (bad.size === 0 && weightSum() <= 0) for (const c of scoreComponents) bad.add(`weight-${c}`);
    setInvalid(bad);
    if (bad.size > 0) return;
    const settings: MetricSettings = {
      slaTargetsS: Object.fromEntries(priorities.map((p) => [p, number(minutes()[p]) * 60])) as MetricSettings["slaTargetsS"],
      scoreWeights: Object.fromEntries(scoreComponents.map((c) => [c, number(weights()[c])])) as MetricSettings["scoreWeights"],
    };
    let stored: MetricSettings | undefined;
    const ok = await run(async () => (stored = (await metricsApi.saveSettings(settings)).settings));
    setSaved(ok);
    if (ok && stored) props.onSaved(stored);
  };

  return (
    <section class="card ai-section" aria-labelledby="metric-settings-heading">
      <h2 id="metric-settings-heading">{t("adminSettings.metrics.heading")}</h2>
      <p class="muted">{t("adminSettings.metrics.intro")}</p>
      <form onSubmit={(e) => void onSubmit(e)} novalidate>
        <fieldset>
          <legend>{t("adminSettings.sla.legend")}</legend>
          <p class="muted">{t("adminSettings.sla.hint")}</p>
          <NumberRow ids={priorities} prefix="sla" label={(p) => t(`priority.${p}`)} values={minutes()} onInput={(p, v) => setMinutes({ ...minutes(), [p]: v })} invalid={invalid()} describedBy="sla-unit" inputmode="numeric" />
          <p id="sla-unit" class={anyBad("sla-") ? "field-error" : "muted"}>
            {anyBad("sla-") ? t("adminSettings.sla.invalid") : t("adminSettings.sla.unit")}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t("adminSettings.weights.legend")}</legend>
          <p class="muted">{t("adminSettings.weights.hint")}</p>
          <NumberRow ids={scoreComponents} prefix="weight" label={(c) => t(`kpi.${c}`)} values={weights()} onInput={(c, v) => setWeights({ ...weights(), [c]: v })} invalid={invalid()} describedBy="weights-note" inputmode="decimal" />
          <p id="weights-note" class={anyBad("weight-") ? "field-error" : "muted"} data-testid="weights-note">
            {anyBad("weight-") ? t("adminSettings.weights.invalid") : t("adminSettings.weights.sum", { sum: String(Math.round(weightSum() * 100) / 100) })}
          </p>
        </fieldset>
        <Show when={error()}>
          <ErrorMessage error={error()} />
        </Show>
        <div class="form-row">
          <button type="submit" class="button-primary" disabled={busy()} data-testid="metric-settings-save">
            {t("adminSettings.save")}
          </button>
          <Show when={saved()}>
            <span role="status" class="muted" data-testid="metric-settings-saved">
              {t("adminSettings.saved")}
            </span>
          </Show>
        </div>
      </form>
    </section>
  );
}

/** One labelled text box per item, in a row, each `<prefix>-<item>` as id and test id. */
function NumberRow<K extends string>(props: {
  ids: readonly K[];
  prefix: string;
  label: (id: K) => string;
  values: Record<K, string>;
  onInput: (id: K, value: string) => void;
  invalid: Set<string>;
  describedBy: string;
  inputmode: "numeric" | "decimal";
}) {
  return (
    <div class="form-row">
      <For each={props.ids}>
        {(id) => (
          <div class="field">
            <label for={`${props.prefix}-${id}`}>{props.label(id)}</label>
            <input
              id={`${props.prefix}-${id}`}
              type="text"
              inputmode={props.inputmode}
              size={6}
              value={props.values[id]}
              onInput={(e) => props.onInput(id, e.currentTarget.value)}
              aria-invalid={props.invalid.has(`${props.prefix}-${id}`)}
              aria-describedby={props.describedBy}
              data-testid={`${props.prefix}-${id}`}
            />
          </div>
        )}
      </For>
    </div>
  );
}
