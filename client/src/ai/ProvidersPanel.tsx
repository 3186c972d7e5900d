// The five providers, where each one's key comes from, and per provider: add or replace the
// organisation's key (never shown again), remove it, and test the connection.
import { createSignal, For, Show } from "solid-js";
import type { AiProvider, AiProviderSetting, AiProvidersResponse, TestAiProviderResponse } from "@caseroom/shared";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { formatDuration, t } from "../i18n/index.ts";
import { createAction } from "./action.ts";
import { aiApi } from "./api.ts";

export function ProvidersPanel(props: { data: AiProvidersResponse; onChanged: () => void }) {
  return (
    <section class="card ai-section" aria-labelledby="ai-providers-heading">
      <h2 id="ai-providers-heading">{t("ai.providers.heading")}</h2>
      <Show when={!props.data.canStoreKeys}>
        <p class="alert alert-error" role="status">{t("ai.cannotStoreKeys")}</p>
      </Show>
      <ul class="ai-provider-list">
        <For each={props.data.providers}>{(setting) => <ProviderRow setting={setting} canStore={props.data.canStoreKeys} onChanged={props.onChanged} />}</For>
      </ul>
    </section>
  );
}

function ProviderRow(props: { setting: AiProviderSetting; canStore: boolean; onChanged: () => void }) {
  const [editing, setEditing] = createSignal(false);
  const [test, setTest] = createSignal<TestAiProviderResponse>();
  const { busy, error, dismiss, run } = createAction();
  const provider = () => props.setting.provider;
  const own = () => props.setting.source === "organization";

  const onTest = () => run(async () => setTest(await aiApi.testProvider(provider())));
  const onRemove = () => {
    if (!window.confirm(t("ai.removeConfirm", { provider: providerName(provider()) }))) return;
    void run(async () => {
      await aiApi.removeProvider(provider());
      setTest(undefined);
      props.onChanged();
    });
  };

  return (
    <li class="ai-provider" data-testid={`ai-provider-${provider()}`}>
      <div class="ai-provider-head">
        <h3>{providerName(provider())}</h3>
        <p class="muted" data-testid="ai-provider-source">
          {own() ? (props.setting.keyHint ? t("ai.source.organization", { hint: props.setting.keyHint }) : t("ai.source.organizationNoHint")) : t(props.setting.source === "environment" ? "ai.source.environment" : "ai.source.none")}
          {" · "}
          {t("ai.defaultModel", { model: props.setting.defaultModel })}
        </p>
        <Show when={props.setting.keyUnreadable}>
          <p class="field-error">{t("ai.keyUnreadable")}</p>
        </Show>
      </div>
      <div class="form-actions">
        <Show when={props.canStore && !editing()}>
          <button type="button" class="button-secondary button-small" onClick={() => setEditing(true)} data-testid="ai-provider-edit">
            {own() ? t("ai.replaceKey") : t("ai.addKey")}
          </button>
        </Show>
        <Show when={own()}>
          <button type="button" class="button-secondary button-small" disabled={busy()} onClick={onRemove}>
            {t("ai.removeKey")}
          </button>
        </Show>
        <Show when={props.setting.hasKey}>
          <button type="button" class="button-secondary button-small" disabled={busy()} onClick={() => void onTest()} data-testid="ai-provider-test">
            {busy() ? t("ai.testing") : t("ai.test")}
          </button>
        </Show>
      </div>
      <Show when={test()}>
        {(result) => (
          <p class={result().ok ? "alert alert-success" : "alert alert-error"} role="status" data-testid="ai-provider-test-result">
            {result().ok ? t("ai.testOk", { duration: formatDuration(result().latencyMs, "short") }) : t("ai.testFailed", { reason: t(`ai.outcome.${result().outcome}`) })}
          </p>
        )}
      </Show>
      <Show when={editing()}>
        <KeyForm setting={props.setting} onDone={(saved) => (setEditing(false), saved && (setTest(undefined), props.onChanged()))} />
      </Show>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={dismiss} />
      </Show>
    </li>
  );
}

function KeyForm(props: { setting: AiProviderSetting; onDone: (saved: boolean) => void }) {
  const [key, setKey] = createSignal("");
  const [baseUrl, setBaseUrl] = createSignal(props.setting.baseUrl ?? "");
  const { busy, error, dismiss, run } = createAction();
  const id = () => `ai-key-${props.setting.provider}`;

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const url = baseUrl().trim();
    const saved = await run(() =>
      props.setting.source === "organization"
        ? aiApi.changeProvider(props.setting.provider, { apiKey: key().trim(), baseUrl: url || null })
        : aiApi.addProvider({ provider: props.setting.provider, apiKey: key().trim(), ...(url ? { baseUrl: url } : {}) }),
    );
    if (saved) props.onDone(true);
  };

  return (
    <form class="ai-key-form" onSubmit={(e) => void onSubmit(e)}>
      <div class="form-row">
        <div class="field field-grow">
          <label for={id()}>{t("ai.keyLabel", { provider: providerName(props.setting.provider) })}</label>
          <input id={id()} type="password" autocomplete="off" required minLength={8} value={key()} onInput={(e) => setKey(e.currentTarget.value)} data-testid="ai-key-input" />
        </div>
        <div class="field field-grow">
          <label for={`${id()}-url`}>{t("ai.baseUrlLabel")}</label>
          <input id={`${id()}-url`} type="url" placeholder={t("ai.baseUrlPlaceholder")} value={baseUrl()} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button-primary button-small" disabled={busy()} data-testid="ai-key-save">
          {busy() ? t("ai.saving") : t("ai.saveKey")}
        </button>
        <button type="button" class="button-secondary button-small" onClick={() => props.onDone(false)}>
          {t("ai.cancel")}
        </button>
      </div>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={dismiss} />
      </Show>
    </form>
  );
}

export const providerName = (provider: AiProvider) => t(`ai.provider.${provider}`);
