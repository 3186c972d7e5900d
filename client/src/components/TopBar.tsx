// The bar on every logged-in page: where am I, who is here, my language, me.
import { createSignal, For, Show } from "solid-js";
import { A, useNavigate } from "@solidjs/router";
import { locales, type Locale } from "@caseroom/shared";
import { locale, t } from "../i18n/index.ts";
import { changeLocale, logout, me } from "../session.ts";
import { connection, onlineUsers } from "../socket.ts";
import { AgentStatusSelect } from "./AgentStatusSelect.tsx";
import { AvatarList } from "./Avatar.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";

export function TopBar() {
  const navigate = useNavigate();
  const [error, setError] = createSignal<unknown>();

  const onLanguage = async (next: Locale) => {
    setError(undefined);
    try {
      await changeLocale(next);
    } catch (err) {
      setError(err);
    }
  };
  const onLogout = async () => {
    await logout().catch(() => {});
    navigate("/login", { replace: true });
  };

  return (
    <header class="topbar">
      <div class="topbar-inner">
        <A href="/" class="brand">
          {t("app.name")}
        </A>
        <nav aria-label={t("nav.main")}>
          <ul class="nav-list">
            <li>
              <A href="/" end activeClass="active">
                {t("nav.queue")}
              </A>
            </li>
            <li>
              <A href="/me" activeClass="active" data-testid="nav-cabinet">
                {t("nav.cabinet")}
              </A>
            </li>
            <Show when={me()?.user.role === "admin" || me()?.user.role === "supervisor"}>
              <li>
                <A href="/wallboard" data-testid="nav-wallboard">
                  {t("nav.wallboard")}
                </A>
              </li>
              <li>
                <A href="/calls" activeClass="active" data-testid="nav-calls">
                  {t("nav.calls")}
                </A>
              </li>
            </Show>
            <Show when={me()?.user.role === "admin"}>
              <li>
                <A href="/admin/ai" activeClass="active" data-testid="nav-admin-ai">
                  {t("nav.adminAi")}
                </A>
              </li>
              <li>
                <A href="/admin/settings" activeClass="active" data-testid="nav-admin-settings">
                  {t("nav.adminSettings")}
                </A>
              </li>
            </Show>
          </ul>
        </nav>

        <section class="presence" aria-labelledby="presence-heading">
          <span id="presence-heading" class="presence-heading muted">
            {t("presence.heading")}
          </span>
          <AvatarList users={onlineUsers()} myId={me()?.user.id} labelledBy="presence-heading" testId="online-users" />
          <span class="sr-only">{t("presence.count", { count: onlineUsers().length })}</span>
          <span class={`connection connection-${connection()}`} role="status">
            <span class="connection-dot" aria-hidden="true" />
            <span class="connection-text">
              {connection() === "live" ? t("connection.live") : connection() === "offline" ? t("connection.offline") : t("connection.connecting")}
            </span>
          </span>
        </section>

        <div class="topbar-end">
          <AgentStatusSelect onError={setError} />
          <label class="language">
            <span class="sr-only">{t("language.label")}</span>
            <select data-testid="language-switch" value={locale()} onChange={(e) => void onLanguage(e.currentTarget.value as Locale)}>
              <For each={locales}>{(code) => <option value={code} lang={code} selected={code === locale()}>{t(`language.${code}`)}</option>}</For>
            </select>
          </label>
          <Show when={me()}>
            {(session) => (
              <p class="account">
                <span class="sr-only">{t("account.signedInAs")}</span>
                <span class="account-name" data-testid="current-user-name">{session().user.name}</span>
                <span class="account-role muted" data-testid="current-user-role">{t(`role.${session().user.role}`)}</span>
              </p>
            )}
          </Show>
          <button type="button" class="button-secondary" onClick={() => void onLogout()} data-testid="logout">
            {t("account.logout")}
          </button>
        </div>
      </div>
      <Show when={error()}>
        <div class="topbar-error">
          <ErrorMessage error={error()} onDismiss={() => setError(undefined)} />
        </div>
      </Show>
    </header>
  );
}
