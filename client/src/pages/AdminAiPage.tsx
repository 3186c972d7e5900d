// /admin/ai: the organisation's LLM providers and keys, routing per task, usage and cost, the price
// table, and budget and redaction. Admins only; the server refuses everyone else whatever this page shows.
import { createResource, createSignal, Match, Show, Switch } from "solid-js";
import { PricesPanel } from "../ai/PricesPanel.tsx";
import { ProvidersPanel } from "../ai/ProvidersPanel.tsx";
import { RoutingPanel } from "../ai/RoutingPanel.tsx";
import { SettingsPanel } from "../ai/SettingsPanel.tsx";
import { UsagePanel } from "../ai/UsagePanel.tsx";
import { aiApi } from "../ai/api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";

export function AdminAiPage() {
  usePageTitle(() => t("ai.heading"));
  const isAdmin = () => me()?.user.role === "admin";
  const [version, setVersion] = createSignal(0);
  const changed = () => setVersion((v) => v + 1);
  const [providers] = createResource(() => (isAdmin() ? version() + 1 : false), () => aiApi.providers());
  const [routing] = createResource(() => (isAdmin() ? version() + 1 : false), () => aiApi.routing());
  const [settings] = createResource(() => (isAdmin() ? 1 : false), () => aiApi.settings());
  const [prices] = createResource(() => (isAdmin() ? 1 : false), () => aiApi.prices());

  return (
    <div class="ai-page">
      <h1>{t("ai.heading")}</h1>
      <Switch>
        <Match when={!isAdmin()}>
          <p class="alert alert-error">{t("ai.forbidden")}</p>
        </Match>
        <Match when={providers.error || routing.error || settings.error || prices.error}>
          <ErrorMessage error={providers.error ?? routing.error ?? settings.error ?? prices.error} />
        </Match>
        <Match when={true}>
          <p class="muted">{t("ai.intro")}</p>
          <Show when={providers.latest} fallback={<p class="muted">{t("app.loading")}</p>}>
            {(data) => <ProvidersPanel data={data()} onChanged={changed} />}
          </Show>
          <Show when={routing.latest && providers.latest}>
            <RoutingPanel routes={routing.latest!.routes} providers={providers.latest!.providers} onChanged={changed} />
          </Show>
          <UsagePanel refresh={version()} />
          <Show when={prices.latest}>{(data) => <PricesPanel prices={data().prices} onChanged={changed} />}</Show>
          <Show when={settings.latest}>{(data) => <SettingsPanel settings={data().settings} onChanged={changed} />}</Show>
        </Match>
      </Switch>
    </div>
  );
}
