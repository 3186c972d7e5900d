// Usage and cost by day, provider, task or user over a period, with this month's spend against the budget.
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { aiUsageGroups, type AiProvider, type AiTask, type AiUsageGroup, type AiUsageResponse, type AiUsageRow } from "@caseroom/shared";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { formatDateTime, formatNumber, t } from "../i18n/index.ts";
import { aiApi, MICRO } from "./api.ts";
import { providerName } from "./ProvidersPanel.tsx";

export const money = (micro: number) => formatNumber(micro / MICRO, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: micro % 10_000 === 0 ? 2 : 4 });

export function UsagePanel(props: { refresh: number }) {
  const [groupBy, setGroupBy] = createSignal<AiUsageGroup>("day");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [report, setReport] = createSignal<AiUsageResponse>();
  const [error, setError] = createSignal<unknown>();

  const load = async () => {
    try {
      setReport(await aiApi.usage({ groupBy: groupBy(), from: from() || undefined, to: to() || undefined }));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  createEffect(on([groupBy, from, to, () => props.refresh], () => void load()));

  const label = (row: AiUsageRow) => {
    switch (report()?.groupBy) {
      case "provider":
        return providerName(row.key as AiProvider);
      case "task":
        return t(`ai.task.${row.key as AiTask | "connection_test"}`);
      case "user":
        return row.label ?? t("ai.usage.unknownUser");
      default:
        return formatDateTime(`${row.key}T12:00:00Z`, { dateOnly: true, timeZone: "UTC" });
    }
  };

  return (
    <section class="card ai-section" aria-labelledby="ai-usage-heading">
      <h2 id="ai-usage-heading">{t("ai.usage.heading")}</h2>
      <div class="form-row ai-usage-controls">
        <div class="field">
          <label for="ai-usage-from">{t("ai.usage.from")}</label>
          <input id="ai-usage-from" type="date" value={from() || report()?.from || ""} onChange={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="ai-usage-to">{t("ai.usage.to")}</label>
          <input id="ai-usage-to" type="date" value={to() || report()?.to || ""} onChange={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="ai-usage-group">{t("ai.usage.groupBy")}</label>
          <select id="ai-usage-group" value={groupBy()} onChange={(e) => setGroupBy(e.currentTarget.value as AiUsageGroup)} data-testid="ai-usage-group">
            <For each={aiUsageGroups}>{(g) => <option value={g} selected={g === groupBy()}>{t(`ai.usage.group.${g}`)}</option>}</For>
          </select>
        </div>
      </div>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={() => setError(undefined)} />
      </Show>
      <Show when={report()}>
        {(r) => (
          <>
            <p data-testid="ai-budget">
              {r().budget.monthlyBudgetMicroUsd === null
                ? t("ai.budget.spentNoLimit", { spent: money(r().budget.spentMicroUsd) })
                : t("ai.budget.spent", { spent: money(r().budget.spentMicroUsd), budget: money(r().budget.monthlyBudgetMicroUsd ?? 0) })}
            </p>
            <Show when={r().rows.length > 0} fallback={<p class="muted">{t("ai.usage.empty")}</p>}>
              <div class="table-wrap">
                <table class="tickets ai-usage-table" data-testid="ai-usage-table">
                  <caption class="sr-only">{t("ai.usage.caption", { from: r().from, to: r().to, zone: r().timeZone })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t(`ai.usage.column.${r().groupBy}`)}</th>
                      <th scope="col" class="num">{t("ai.usage.column.attempts")}</th>
                      <th scope="col" class="num">{t("ai.usage.column.failed")}</th>
                      <th scope="col" class="num">{t("ai.usage.column.inputTokens")}</th>
                      <th scope="col" class="num">{t("ai.usage.column.outputTokens")}</th>
                      <th scope="col" class="num">{t("ai.usage.column.firstToken")}</th>
                      <th scope="col" class="num">{t("ai.usage.column.cost")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().rows}>{(row) => <UsageRow name={label(row)} row={row} />}</For>
                  </tbody>
                  <tfoot>
                    <UsageRow name={t("ai.usage.total")} row={r().totals} />
                  </tfoot>
                </table>
              </div>
              <Show when={r().totals.unpriced > 0}>
                <p class="muted">{t("ai.usage.unpriced", { count: r().totals.unpriced })}</p>
              </Show>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function UsageRow(props: { name: string; row: Omit<AiUsageRow, "key" | "label"> }) {
  return (
    <tr>
      <th scope="row">{props.name}</th>
      <td class="num">{formatNumber(props.row.attempts)}</td>
      <td class="num">{formatNumber(props.row.failed)}</td>
      <td class="num">{formatNumber(props.row.inputTokens)}</td>
      <td class="num">{formatNumber(props.row.outputTokens)}</td>
      <td class="num">{props.row.avgFirstTokenMs === null ? "—" : formatNumber(props.row.avgFirstTokenMs / 1000, { style: "unit", unit: "second", maximumFractionDigits: 2 })}</td>
      <td class="num">{money(props.row.costMicroUsd)}</td>
    </tr>
  );
}
