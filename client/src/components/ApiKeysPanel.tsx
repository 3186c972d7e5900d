// API keys for CRM and telephony systems that post events ([M22]). A new key is shown once, right
// after it is made: only its hash is stored, so it cannot be shown again. Revoking asks first.
import { createResource, createSignal, For, Show } from "solid-js";
import { apiKeyScopes, type ApiKeyScope, type IntegrationKey } from "@caseroom/shared";
import { createAction } from "../ai/action.ts";
import { metricsApi } from "../metrics/api.ts";
import { formatDateTime, t } from "../i18n/index.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

export function ApiKeysPanel() {
  const [version, setVersion] = createSignal(0);
  const [keys] = createResource(version, () => metricsApi.apiKeys());
  const [name, setName] = createSignal("");
  const [scopes, setScopes] = createSignal<ApiKeyScope[]>(["events:write"]);
  const [created, setCreated] = createSignal<{ name: string; key: string }>();
  const [confirming, setConfirming] = createSignal<string>();
  const [nameMissing, setNameMissing] = createSignal(false);
  const create = createAction();
  const revoke = createAction();

  const onCreate = async (e: SubmitEvent) => {
    e.preventDefault();
    setNameMissing(name().trim() === "");
    if (nameMissing()) return;
    setCreated(undefined);
    const body = { name: name().trim(), scopes: scopes() };
    const ok = await create.run(async () => {
      const made = await metricsApi.createApiKey(body);
      setCreated({ name: made.apiKey.name, key: made.key });
    });
    if (ok) {
      setName("");
      setVersion((v) => v + 1);
    }
  };

  const onRevoke = async (key: IntegrationKey) => {
    const ok = await revoke.run(() => metricsApi.revokeApiKey(key.id));
    setConfirming(undefined);
    if (ok) setVersion((v) => v + 1);
  };

  const toggleScope = (scope: ApiKeyScope, on: boolean) => setScopes((list) => (on ? [...new Set([...list, scope])] : list.filter((s) => s !== scope)));

  return (
    <section class="card ai-section" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">{t("adminSettings.keys.heading")}</h2>
      <p class="muted">{t("adminSettings.keys.intro")}</p>

      <Show when={created()}>
        {(made) => (
          <div class="alert" role="status" data-testid="api-key-created">
            <p>{t("adminSettings.keys.createdOnce", { name: made().name })}</p>
            <p>
              <code data-testid="api-key-value">{made().key}</code>
            </p>
            <button type="button" class="button-secondary button-small" onClick={() => setCreated(undefined)} data-testid="api-key-hide">
              {t("adminSettings.keys.hide")}
            </button>
          </div>
        )}
      </Show>

      <form class="form-row" onSubmit={(e) => void onCreate(e)} novalidate>
        <div class="field field-grow">
          <label for="api-key-name">{t("adminSettings.keys.name")}</label>
          <input
            id="api-key-name"
            type="text"
            maxLength={100}
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameMissing()}
            aria-describedby={nameMissing() ? "api-key-name-error" : undefined}
            data-testid="api-key-name"
          />
          <Show when={nameMissing()}>
            <p id="api-key-name-error" class="field-error">
              {t("adminSettings.keys.nameMissing")}
            </p>
          </Show>
        </div>
        <fieldset>
          <legend>{t("adminSettings.keys.scopes")}</legend>
          <For each={apiKeyScopes}>
            {(scope) => (
              <label class="checkbox">
                <input type="checkbox" checked={scopes().includes(scope)} onChange={(e) => toggleScope(scope, e.currentTarget.checked)} />
                {t(`adminSettings.keys.scope.${scope}`)}
              </label>
            )}
          </For>
        </fieldset>
        <button type="submit" class="button-primary button-small" disabled={create.busy() || scopes().length === 0} data-testid="api-key-create">
          {t("adminSettings.keys.create")}
        </button>
      </form>
      <Show when={create.error()}>
        <ErrorMessage error={create.error()} onDismiss={create.dismiss} />
      </Show>
      <Show when={revoke.error()}>
        <ErrorMessage error={revoke.error()} onDismiss={revoke.dismiss} />
      </Show>

      <Show when={keys.error}>
        <ErrorMessage error={keys.error} />
      </Show>
      <Show when={keys.latest} fallback={<p class="muted">{t("app.loading")}</p>}>
        {(data) => (
          <Show when={data().apiKeys.length > 0} fallback={<p class="muted">{t("adminSettings.keys.none")}</p>}>
            <table class="table" data-testid="api-keys-table">
              <thead>
                <tr>
                  <th scope="col">{t("adminSettings.keys.name")}</th>
                  <th scope="col">{t("adminSettings.keys.prefix")}</th>
                  <th scope="col">{t("adminSettings.keys.scopes")}</th>
                  <th scope="col">{t("adminSettings.keys.createdAt")}</th>
                  <th scope="col">{t("adminSettings.keys.lastUsed")}</th>
                  <th scope="col">{t("adminSettings.keys.state")}</th>
                </tr>
              </thead>
              <tbody>
                <For each={data().apiKeys}>
                  {(key) => (
                    <tr data-testid={`api-key-${key.id}`}>
                      <td>{key.name}</td>
                      <td>
                        <code>{key.prefix}…</code>
                      </td>
                      <td>{key.scopes.map((s) => t(`adminSettings.keys.scope.${s}`)).join(", ")}</td>
                      <td>{formatDateTime(key.createdAt)}</td>
                      <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t("adminSettings.keys.never")}</td>
                      <td>
                        <Show
                          when={!key.revokedAt}
                          fallback={<span data-testid="api-key-revoked">{t("adminSettings.keys.revokedAt", { at: formatDateTime(key.revokedAt!) })}</span>}
                        >
                          <Show
                            when={confirming() === key.id}
                            fallback={
                              <button type="button" class="button-secondary button-small" onClick={() => setConfirming(key.id)} data-testid="api-key-revoke">
                                {t("adminSettings.keys.revoke")}
                              </button>
                            }
                          >
                            <span>{t("adminSettings.keys.confirm", { name: key.name })}</span>{" "}
                            <button type="button" class="button-primary button-small" disabled={revoke.busy()} onClick={() => void onRevoke(key)} data-testid="api-key-revoke-confirm">
                              {t("adminSettings.keys.revokeYes")}
                            </button>{" "}
                            <button type="button" class="button-secondary button-small" onClick={() => setConfirming(undefined)}>
                              {t("adminSettings.keys.cancel")}
                            </button>
                          </Show>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>
    </section>
  );
}
