// The frame of every logged-in page. Waits for the session, sends strangers to /login with the
// address they wanted, and otherwise shows the top bar and the page.
import { Match, Switch, type ParentProps } from "solid-js";
import { Navigate, useLocation } from "@solidjs/router";
import { t } from "../i18n/index.ts";
import { auth, loadSession } from "../session.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { TopBar } from "./TopBar.tsx";

/** The login address that brings the user back here afterwards. */
export function loginHref(path: string): string {
  return path && path !== "/" ? `/login?next=${encodeURIComponent(path)}` : "/login";
}

export function AppShell(props: ParentProps) {
  const location = useLocation();
  const stateError = () => {
    const state = auth();
    return state.status === "error" ? state.error : undefined;
  };
  return (
    <Switch>
      <Match when={auth().status === "loading"}>
        <main id="main" class="page page-center" aria-busy="true">
          <p class="muted">{t("app.loading")}</p>
        </main>
      </Match>
      <Match when={auth().status === "error"}>
        <main id="main" class="page page-center">
          <ErrorMessage error={stateError()} />
          <button type="button" class="button-primary" onClick={() => void loadSession()}>
            {t("app.retry")}
          </button>
        </main>
      </Match>
      <Match when={auth().status === "anonymous"}>
        <Navigate href={loginHref(location.pathname + location.search)} />
      </Match>
      <Match when={auth().status === "authenticated"}>
        <a class="skip-link" href="#main">
          {t("app.skipToContent")}
        </a>
        <TopBar />
        <main id="main" class="page" tabindex="-1">
          {props.children}
        </main>
      </Match>
    </Switch>
  );
}
