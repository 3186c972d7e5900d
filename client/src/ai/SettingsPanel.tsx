// The monthly budget and what is replaced before text leaves: e-mail, phone and IBAN can be switched
// off, payment cards cannot; plus the organisation's own patterns.
import { createSignal, For, Index, Show } from "solid-js";
import type { AiSettings, RedactionPattern } from "@caseroom/shared";
import { ApiError } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { t } from "../i18n/index.ts";
import { createAction } from "./action.ts";
import { aiApi, MICRO } from "./api.ts";

const MAX_PATTERNS = 20;
type Switch = "email" | "phone" | "iban";

export function SettingsPanel(props: { settings: AiSettings; onChanged: () => void }) {
  const initial = props.settings;
  const [budget, setBudget] = createSignal(initial.monthlyBudgetMicroUsd === null ? "" : String(initial.monthlyBudgetMicroUsd / MICRO));
  const [switches, setSwitches] = createSignal<Record<Switch, boolean>>({ email: initial.redaction.email, phone: initial.redaction.phone, iban: initial.redaction.iban });
  const [patterns, setPatterns] = createSignal<RedactionPattern[]>(initial.redaction.patterns);
  const [saved, setSaved] = createSignal(false);
  const { busy, error, dismiss, run } = createAction();
  const [budgetError, setBudgetError] = createSignal(false);

  /** The pattern rows the server refused, from `redaction.patterns.<i>.…` paths. */
  const badPatterns = () => {
    const err = error();
    const fields = err instanceof ApiError && Array.isArray(err.details?.fields) ? (err.details.fields as { path: string }[]) : [];
    return new Set(fields.map((f) => /^redaction\.patterns\.(\d+)/.exec(f.path)?.[1]).filter(Boolean).map(Number));
  };
  const setPattern = (i: number, change: Partial<RedactionPattern>) => setPatterns((list) => list.map((p, j) => (j === i ? { ...p, ...change } : p)));

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const text = budget().trim().replace(",", ".");
    const dollars = text === "" ? null : Number(text);
    setBudgetError(dollars !== null && (!Number.isFinite(dollars) || dollars < 0));
    if (budgetError()) return;
    setSaved(false);
    const ok = await run(() =>
      aiApi.changeSettings({ monthlyBudgetMicroUsd: dollars === null ? null : Math.round(dollars * MICRO), redaction: { ...switches(), patterns: patterns() } }),
    );
    setSaved(ok);
    if (ok) props.onChanged();
  };

  return (
    <section class="card ai-section" aria-labelledby="ai-settings-heading">
      <h2 id="ai-settings-heading">{t("ai.settings.heading")}</h2>
      <form class="ai-settings" onSubmit={(e) => void onSubmit(e)}>
        <div class="field">
          <label for="ai-budget">{t("ai.settings.budget")}</label>
          <input id="ai-budget" type="text" inputmode="decimal" value={budget()} onInput={(e) => setBudget(e.currentTarget.value)} aria-invalid={budgetError()} aria-describedby="ai-budget-hint" data-testid="ai-budget-input" />
          <p id="ai-budget-hint" class={budgetError() ? "field-error" : "muted"}>{budgetError() ? t("ai.settings.budgetInvalid") : t("ai.settings.budgetHint")}</p>
        </div>
        <fieldset class="ai-redaction">
          <legend>{t("ai.settings.redaction")}</legend>
          <For each={["email", "phone", "iban"] as const}>
            {(key) => (
              <label class="checkbox">
                <input type="checkbox" checked={switches()[key]} onChange={(e) => setSwitches({ ...switches(), [key]: e.currentTarget.checked })} data-testid={`ai-redact-${key}`} />
                {t(`ai.settings.${key}`)}
              </label>
            )}
          </For>
          <label class="checkbox">
            <input type="checkbox" checked disabled />
            {t("ai.settings.card")}
          </label>
        </fieldset>
        <fieldset class="ai-patterns">
          <legend>{t("ai.settings.patterns")}</legend>
          <p class="muted">{t("ai.settings.patternsHint")}</p>
          <Index each={patterns()}>
            {(pattern, i) => (
              <div class="form-row ai-pattern">
                <div class="field">
                  <label for={`ai-pattern-${i}-label`}>{t("ai.settings.patternLabel")}</label>
                  <input id={`ai-pattern-${i}-label`} type="text" required maxLength={20} value={pattern().label} onInput={(e) => setPattern(i, { label: e.currentTarget.value.toUpperCase() })} />
                </div>
                <div class="field field-grow">
                  <label for={`ai-pattern-${i}-pattern`}>{t("ai.settings.pattern")}</label>
                  <input id={`ai-pattern-${i}-pattern`} type="text" required maxLength={200} class="mono" value={pattern().pattern} aria-invalid={badPatterns().has(i)} onInput={(e) => setPattern(i, { pattern: e.currentTarget.value })} />
                </div>
                <label class="checkbox">
                  <input type="checkbox" checked={pattern().caseInsensitive} onChange={(e) => setPattern(i, { caseInsensitive: e.currentTarget.checked })} />
                  {t("ai.settings.caseInsensitive")}
                </label>
                <button type="button" class="button-secondary button-small" onClick={() => setPatterns(patterns().filter((_, j) => j !== i))} aria-label={t("ai.settings.removePattern", { label: pattern().label || String(i + 1) })}>
                  {t("ai.remove")}
                </button>
              </div>
            )}
          </Index>
          <button type="button" class="button-secondary button-small" disabled={patterns().length >= MAX_PATTERNS} onClick={() => setPatterns([...patterns(), { label: "", pattern: "", caseInsensitive: false }])}>
            {t("ai.settings.addPattern")}
          </button>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button-primary" disabled={busy()} data-testid="ai-settings-save">
            {busy() ? t("ai.saving") : t("ai.settings.save")}
          </button>
        </div>
        <Show when={saved()}>
          <p class="alert alert-success" role="status">{t("ai.settings.saved")}</p>
        </Show>
        <Show when={error()}>
          <ErrorMessage error={error()} onDismiss={dismiss} />
        </Show>
      </form>
    </section>
  );
}
