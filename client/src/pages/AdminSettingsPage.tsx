// /admin/settings: the figures' SLA targets and score weights, and the API keys other systems post
// events with. Admins only; the server refuses everyone else whatever this page shows.
import { createResource, Match, Show, Switch } from "solid-js";
import { ApiKeysPanel } from "../components/ApiKeysPanel.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { MetricSettingsForm } from "../components/MetricSettingsForm.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { t } from "../i18n/index.ts";
import { metricsApi } from "../metrics/api.ts";
import { me } from "../session.ts";

export function AdminSettingsPage() {
  usePageTitle(() => t("adminSettings.heading"));
  const isAdmin = () => me()?.user.role === "admin";
  const [settings, { mutate }] = createResource(() => (isAdmin() ? 1 : false), () => metricsApi.settings());

  return (
    <div class="ai-page">
      <h1>{t("adminSettings.heading")}</h1>
      <Switch>
        <Match when={!isAdmin()}>
          <p class="alert alert-error">{t("adminSettings.forbidden")}</p>
        </Match>
        <Match when={true}>
          <Show when={settings.error}>
            <ErrorMessage error={settings.error} />
          </Show>
          <Show when={settings.latest} fallback={<Show when={!settings.error}><p class="muted">{t("app.loading")}</p></Show>}>
            {(data) => <MetricSettingsForm settings={data().settings} onSaved={(s) => mutate({ settings: s })} />}
          </Show>
          <ApiKeysPanel />
        </Match>
      </Switch>
    </div>
  );
}
