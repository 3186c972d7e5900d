// How a figure came to be: its formula, its inputs and the events behind each, in a dialog. The
// wallboard and the cabinet open it from any figure.
import { createResource, For, onMount, Show } from "solid-js";
import type { ExplainInput, KpiName } from "@caseroom/shared";
import { formatDateTime, formatNumber, t } from "../i18n/index.ts";
import { metricsApi, type Range } from "../metrics/api.ts";
import { formatKpi, NO_VALUE } from "../metrics/format.ts";
import { staffName } from "../session.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

function inputValue(kpi: KpiName, input: ExplainInput): string {
  if (input.value === null) return NO_VALUE;
  if (kpi === "frt" || kpi === "aht" || kpi === "acw") return formatKpi(kpi, input.value);
  if (kpi === "occupancy") return formatKpi("occupancy", input.value);
  return formatNumber(input.value);
}

export function ExplainPanel(props: { kpi: KpiName; range: Range; timeZone: string; onClose: () => void }) {
  let dialog: HTMLDialogElement | undefined;
  const [explanation] = createResource(() => metricsApi.explain(props.kpi, props.range));
  onMount(() => dialog?.showModal());
  const when = (iso: string) => formatDateTime(iso, { timeZone: props.timeZone });

  return (
    <dialog ref={dialog} class="explain" aria-labelledby="explain-title" onClose={() => props.onClose()} data-testid="explain-panel">
      <div class="explain-head">
        <h2 id="explain-title">{t("explain.title", { kpi: t(`kpi.${props.kpi}`) })}</h2>
        <button type="button" class="button-secondary button-small" onClick={() => dialog?.close()}>
          {t("explain.close")}
        </button>
      </div>
      <Show when={explanation.error}>
        <ErrorMessage error={explanation.error} />
      </Show>
      <Show when={explanation()} fallback={<p class="muted">{t("app.loading")}</p>}>
        {(e) => (
          <>
            <dl class="explain-facts">
              <dt>{t("explain.value")}</dt>
              <dd data-testid="explain-value">{formatKpi(props.kpi, e().value, "long")}</dd>
              <dt>{t("explain.window")}</dt>
              <dd>{t("explain.span", { from: when(e().from), to: when(e().to) })}</dd>
              <Show when={e().numerator !== null}>
                <dt>{t("explain.ratio")}</dt>
                <dd>
                  {formatNumber(e().numerator!)}
                  <Show when={e().denominator !== null}>{` / ${formatNumber(e().denominator!)}`}</Show>
                </dd>
              </Show>
              <dt>{t("explain.formula")}</dt>
              <dd>
                <code class="explain-formula">{e().formula}</code> <span class="muted">{t("explain.rule", { rule: e().rule })}</span>
              </dd>
            </dl>
            <Show when={e().components}>
              {(components) => (
                <table class="explain-table">
                  <caption class="sr-only">{t("explain.components")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("explain.component")}</th>
                      <th scope="col">{t("explain.value")}</th>
                      <th scope="col">{t("explain.normalisation")}</th>
                      <th scope="col">{t("explain.normalised")}</th>
                      <th scope="col">{t("explain.weight")}</th>
                      <th scope="col">{t("explain.contribution")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={components()}>
                      {(c) => (
                        <tr>
                          <th scope="row">{t(`kpi.${c.component as KpiName}`)}</th>
                          <td>{formatKpi(c.component as KpiName, c.value)}</td>
                          <td><code>{c.normalisation}</code></td>
                          <td>{c.normalised === null ? NO_VALUE : formatNumber(c.normalised, { maximumFractionDigits: 3 })}</td>
                          <td>{formatNumber(c.weight)}</td>
                          <td>{c.contribution === null ? NO_VALUE : formatNumber(c.contribution, { maximumFractionDigits: 2 })}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              )}
            </Show>
            <Show when={e().inputs.length > 0} fallback={<Show when={!e().components}><p class="muted">{t("explain.noInputs")}</p></Show>}>
              <table class="explain-table" data-testid="explain-inputs">
                <caption>{t("explain.inputs", { count: e().totalInputs })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("explain.at")}</th>
                    <th scope="col">{t("explain.subject")}</th>
                    <th scope="col">{t("explain.outcome")}</th>
                    <th scope="col">{t("explain.value")}</th>
                    <th scope="col">{t("explain.person")}</th>
                    <th scope="col">{t("explain.events")}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={e().inputs}>
                    {(input) => (
                      <tr classList={{ "explain-skipped": !input.counted }}>
                        <td>{when(input.at)}</td>
                        <td>
                          {t(`subject.${input.subject}`)} <code>{input.subjectId.slice(0, 8)}</code>
                        </td>
                        <td>{t(`outcome.${input.outcome}`)}</td>
                        <td>{props.kpi === "score" ? formatKpi("score", input.value) : inputValue(props.kpi, input)}</td>
                        <td>{input.attributedTo ? staffName(input.attributedTo) : NO_VALUE}</td>
                        <td class="explain-ids">
                          <For each={input.eventIds}>{(id) => <code title={id}>{id.slice(0, 8)}</code>}</For>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={e().totalInputs > e().inputs.length}>
                <p class="muted">{t("explain.more", { count: e().totalInputs - e().inputs.length })}</p>
              </Show>
            </Show>
          </>
        )}
      </Show>
    </dialog>
  );
}
