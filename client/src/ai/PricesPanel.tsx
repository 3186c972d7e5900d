// The price table costs are worked out from: per model, US dollars per million input and output tokens
// and a fee per 1,000 requests (Perplexity's web search). Admins change a list price to their
// contract's, put it back, or add a model the list lacks. Only rows that differ from the list are saved.
import { createSignal, For, Index, Show } from "solid-js";
import { aiProviders, type AiPrice, type AiProvider } from "@caseroom/shared";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { t } from "../i18n/index.ts";
import { createAction } from "./action.ts";
import { aiApi, MICRO } from "./api.ts";
import { providerName } from "./ProvidersPanel.tsx";

type Values = Pick<AiPrice, "inputMicroUsdPerMTok" | "outputMicroUsdPerMTok" | "requestMicroUsd">;
type Field = "input" | "output" | "fee";

interface Row {
  provider: AiProvider;
  model: string;
  /** Dollars as typed: per million tokens, and per 1,000 requests for the fee. */
  input: string;
  output: string;
  fee: string;
  builtIn: Values | null;
  /** Added here and not saved yet: provider and model can still be changed. */
  added: boolean;
}

const FEE_PER = 1000;
const dollars = (micro: number, per = 1) => String((micro * per) / MICRO);
/** Dollars typed with a point or a comma → millionths; undefined when it is not a price. */
function parseDollars(text: string, per = 1): number | undefined {
  const normalized = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(normalized)) return undefined;
  return Math.round((Number(normalized) * MICRO) / per);
}

const rowOf = (p: AiPrice): Row => ({
  provider: p.provider,
  model: p.model,
  input: dollars(p.inputMicroUsdPerMTok),
  output: dollars(p.outputMicroUsdPerMTok),
  fee: dollars(p.requestMicroUsd, FEE_PER),
  builtIn: p.builtIn,
  added: false,
});

function valuesOf(row: Row): Values | undefined {
  const input = parseDollars(row.input);
  const output = parseDollars(row.output);
  const fee = parseDollars(row.fee, FEE_PER);
  if (input === undefined || output === undefined || fee === undefined) return undefined;
  return { inputMicroUsdPerMTok: input, outputMicroUsdPerMTok: output, requestMicroUsd: fee };
}

const sameAs = (a: Values, b: Values | null) =>
  b !== null && a.inputMicroUsdPerMTok === b.inputMicroUsdPerMTok && a.outputMicroUsdPerMTok === b.outputMicroUsdPerMTok && a.requestMicroUsd === b.requestMicroUsd;

export function PricesPanel(props: { prices: AiPrice[]; onChanged: () => void }) {
  const [rows, setRows] = createSignal<Row[]>(props.prices.map(rowOf));
  const [invalid, setInvalid] = createSignal(new Set<string>());
  const [saved, setSaved] = createSignal(false);
  const { busy, error, dismiss, run } = createAction();

  const update = (i: number, change: Partial<Row>) => {
    setSaved(false);
    setRows((list) => list.map((row, j) => (j === i ? { ...row, ...change } : row)));
  };
  const fieldId = (i: number, field: Field) => `ai-price-${i}-${field}`;

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const bad = new Set<string>();
    const overrides = rows().flatMap((row, i) => {
      const values = valuesOf(row);
      if (!values) {
        for (const field of ["input", "output", "fee"] as const) {
          if (parseDollars(row[field], field === "fee" ? FEE_PER : 1) === undefined) bad.add(fieldId(i, field));
        }
        return [];
      }
      return sameAs(values, row.builtIn) ? [] : [{ provider: row.provider, model: row.model.trim(), ...values }];
    });
    setInvalid(bad);
    if (bad.size > 0) return;
    const ok = await run(async () => setRows((await aiApi.setPrices({ prices: overrides })).prices.map(rowOf)));
    setSaved(ok);
    if (ok) props.onChanged();
  };

  const priceInput = (row: () => Row, i: number, field: Field, label: "ai.prices.inputLabel" | "ai.prices.outputLabel" | "ai.prices.feeLabel") => (
    <td class="num">
      <input
        id={fieldId(i, field)}
        type="text"
        inputmode="decimal"
        required
        class="ai-price-input"
        value={row()[field]}
        aria-label={t(label, { model: row().model || "—" })}
        aria-invalid={invalid().has(fieldId(i, field))}
        onInput={(e) => update(i, { [field]: e.currentTarget.value })}
        data-testid={`ai-price-${field}`}
      />
    </td>
  );

  return (
    <section class="card ai-section" aria-labelledby="ai-prices-heading">
      <h2 id="ai-prices-heading">{t("ai.prices.heading")}</h2>
      <p class="muted">{t("ai.prices.intro")}</p>
      <form onSubmit={(e) => void onSubmit(e)} data-testid="ai-prices">
        <div class="table-wrap">
          <table class="tickets ai-prices-table">
            <thead>
              <tr>
                <th scope="col">{t("ai.prices.column.provider")}</th>
                <th scope="col">{t("ai.prices.column.model")}</th>
                <th scope="col" class="num">{t("ai.prices.column.input")}</th>
                <th scope="col" class="num">{t("ai.prices.column.output")}</th>
                <th scope="col" class="num">{t("ai.prices.column.fee")}</th>
                <th scope="col">{t("ai.prices.column.source")}</th>
                <th scope="col">
                  <span class="sr-only">{t("ai.prices.column.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <Index each={rows()}>
                {(row, i) => {
                  const values = () => valuesOf(row());
                  const listPrice = () => values() !== undefined && sameAs(values()!, row().builtIn);
                  return (
                    <tr data-testid={`ai-price-row-${row().provider}-${row().model}`}>
                      <Show when={row().added} fallback={<th scope="row">{providerName(row().provider)}</th>}>
                        <td>
                          <select aria-label={t("ai.prices.column.provider")} value={row().provider} onChange={(e) => update(i, { provider: e.currentTarget.value as AiProvider })} data-testid="ai-price-new-provider">
                            <For each={aiProviders}>{(p) => <option value={p} selected={p === row().provider}>{providerName(p)}</option>}</For>
                          </select>
                        </td>
                      </Show>
                      <td>
                        <Show when={row().added} fallback={<code>{row().model}</code>}>
                          <input type="text" required maxLength={100} aria-label={t("ai.prices.column.model")} value={row().model} onInput={(e) => update(i, { model: e.currentTarget.value })} data-testid="ai-price-new-model" />
                        </Show>
                      </td>
                      {priceInput(row, i, "input", "ai.prices.inputLabel")}
                      {priceInput(row, i, "output", "ai.prices.outputLabel")}
                      {priceInput(row, i, "fee", "ai.prices.feeLabel")}
                      <td data-testid="ai-price-source">{listPrice() ? t("ai.prices.source.default") : t("ai.prices.source.organization")}</td>
                      <td>
                        <Show
                          when={row().builtIn}
                          fallback={
                            <button type="button" class="button-secondary button-small" onClick={() => setRows(rows().filter((_, j) => j !== i))} aria-label={t("ai.prices.removeLabel", { model: row().model || "—" })}>
                              {t("ai.remove")}
                            </button>
                          }
                        >
                          {(builtIn) => (
                            <Show when={!listPrice()}>
                              <button
                                type="button"
                                class="button-secondary button-small"
                                onClick={() => update(i, { input: dollars(builtIn().inputMicroUsdPerMTok), output: dollars(builtIn().outputMicroUsdPerMTok), fee: dollars(builtIn().requestMicroUsd, FEE_PER) })}
                                data-testid="ai-price-reset"
                              >
                                {t("ai.prices.reset")}
                              </button>
                            </Show>
                          )}
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </Index>
            </tbody>
          </table>
        </div>
        <Show when={invalid().size > 0}>
          <p class="field-error" role="alert">{t("ai.prices.invalid")}</p>
        </Show>
        <div class="form-actions">
          <button type="button" class="button-secondary button-small" onClick={() => setRows([...rows(), { provider: "openai", model: "", input: "0", output: "0", fee: "0", builtIn: null, added: true }])} data-testid="ai-prices-add">
            {t("ai.prices.add")}
          </button>
          <button type="submit" class="button-primary" disabled={busy()} data-testid="ai-prices-save">
            {busy() ? t("ai.saving") : t("ai.prices.save")}
          </button>
        </div>
        <Show when={saved()}>
          <p class="alert alert-success" role="status">{t("ai.prices.saved")}</p>
        </Show>
        <Show when={error()}>
          <ErrorMessage error={error()} onDismiss={dismiss} />
        </Show>
      </form>
    </section>
  );
}
