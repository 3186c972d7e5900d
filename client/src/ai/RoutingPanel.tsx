// Routing per task: the order providers are tried in. A task follows the default (every provider
// with a key) until an admin saves its own order; "Use default" returns to it.
import { createSignal, For, Index, Show } from "solid-js";
import { aiProviders, type AiProvider, type AiRoute, type AiRouteTarget, type AiProviderSetting } from "@caseroom/shared";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { t } from "../i18n/index.ts";
import { createAction } from "./action.ts";
import { aiApi } from "./api.ts";
import { providerName } from "./ProvidersPanel.tsx";

const MAX_STEPS = 5;

export function RoutingPanel(props: { routes: AiRoute[]; providers: AiProviderSetting[]; onChanged: () => void }) {
  return (
    <section class="card ai-section" aria-labelledby="ai-routing-heading">
      <h2 id="ai-routing-heading">{t("ai.routing.heading")}</h2>
      <p class="muted">{t("ai.routing.intro")}</p>
      <ul class="ai-route-list">
        <For each={props.routes}>{(route) => <RouteRow route={route} providers={props.providers} onChanged={props.onChanged} />}</For>
      </ul>
    </section>
  );
}

function RouteRow(props: { route: AiRoute; providers: AiProviderSetting[]; onChanged: () => void }) {
  const [draft, setDraft] = createSignal<AiRouteTarget[]>();
  const { busy, error, dismiss, run } = createAction();
  const defaultModel = (provider: AiProvider) => props.providers.find((p) => p.provider === provider)?.defaultModel ?? "";
  const hasKey = (provider: AiProvider) => props.providers.find((p) => p.provider === provider)?.hasKey ?? false;

  const save = async (chain: AiRouteTarget[] | null) => {
    if (!(await run(() => aiApi.setRoute(props.route.task, chain)))) return;
    setDraft(undefined);
    props.onChanged();
  };
  const update = (i: number, change: Partial<AiRouteTarget>) =>
    setDraft((steps) => steps?.map((step, j) => (j === i ? { ...step, ...change, ...(change.provider ? { model: defaultModel(change.provider) } : {}) } : step)));

  return (
    <li class="ai-route" data-testid={`ai-route-${props.route.task}`}>
      <div class="ai-route-head">
        <h3>{t(`ai.task.${props.route.task}`)}</h3>
        <span class="badge">{props.route.custom ? t("ai.routing.custom") : t("ai.routing.default")}</span>
      </div>
      <Show when={!draft()}>
        <Show when={props.route.chain.length > 0} fallback={<p class="muted">{t("ai.routing.none")}</p>}>
          <ol class="ai-chain">
            <For each={props.route.chain}>
              {(step) => (
                <li classList={{ muted: !hasKey(step.provider) }}>
                  {providerName(step.provider)}
                  {" · "}
                  <code>{step.model}</code>
                </li>
              )}
            </For>
          </ol>
        </Show>
        <div class="form-actions">
          <button type="button" class="button-secondary button-small" onClick={() => setDraft(props.route.chain.length ? [...props.route.chain] : [{ provider: "anthropic", model: defaultModel("anthropic") }])}>
            {t("ai.routing.edit")}
          </button>
          <Show when={props.route.custom}>
            <button type="button" class="button-secondary button-small" disabled={busy()} onClick={() => void save(null)}>
              {t("ai.routing.reset")}
            </button>
          </Show>
        </div>
      </Show>
      <Show when={draft()}>
        {(steps) => (
          <form class="ai-route-form" onSubmit={(e) => (e.preventDefault(), void save(steps()))}>
            <Index each={steps()}>
              {(step, i) => (
                <fieldset class="form-row ai-route-step">
                  <legend class="sr-only">{t("ai.routing.step", { number: i + 1 })}</legend>
                  <div class="field">
                    <label for={`route-${props.route.task}-${i}-provider`}>{t("ai.routing.provider")}</label>
                    <select id={`route-${props.route.task}-${i}-provider`} value={step().provider} onChange={(e) => update(i, { provider: e.currentTarget.value as AiProvider })}>
                      <For each={aiProviders}>{(p) => <option value={p} selected={p === step().provider}>{providerName(p)}</option>}</For>
                    </select>
                  </div>
                  <div class="field field-grow">
                    <label for={`route-${props.route.task}-${i}-model`}>{t("ai.routing.model")}</label>
                    <input id={`route-${props.route.task}-${i}-model`} type="text" required maxLength={100} value={step().model} onInput={(e) => update(i, { model: e.currentTarget.value.trim() })} />
                  </div>
                  <button type="button" class="button-secondary button-small ai-step-remove" disabled={steps().length === 1} onClick={() => setDraft(steps().filter((_, j) => j !== i))} aria-label={t("ai.routing.removeStep", { number: i + 1 })}>
                    {t("ai.remove")}
                  </button>
                </fieldset>
              )}
            </Index>
            <div class="form-actions">
              <button type="button" class="button-secondary button-small" disabled={steps().length >= MAX_STEPS} onClick={() => setDraft([...steps(), { provider: "openai", model: defaultModel("openai") }])}>
                {t("ai.routing.addStep")}
              </button>
              <button type="submit" class="button-primary button-small" disabled={busy()}>
                {busy() ? t("ai.saving") : t("ai.routing.save")}
              </button>
              <button type="button" class="button-secondary button-small" onClick={() => setDraft(undefined)}>
                {t("ai.cancel")}
              </button>
            </div>
          </form>
        )}
      </Show>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={dismiss} />
      </Show>
    </li>
  );
}
