import { createSignal, Show } from "solid-js";
import { Navigate, useSearchParams } from "@solidjs/router";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { TextField } from "../components/Field.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { t } from "../i18n/index.ts";
import { auth, login } from "../session.ts";

/** Only paths of this site: never `//evil.example` or an absolute URL. */
function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/login") ? value : "/";
}

export function LoginPage() {
  usePageTitle(() => t("login.submit"));
  const [params] = useSearchParams();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [missing, setMissing] = createSignal<"email" | "password" | undefined>();
  let emailInput: HTMLInputElement | undefined;
  let passwordInput: HTMLInputElement | undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    // Our own check instead of the browser's bubbles, so the message is in the app's language.
    if (!email().trim()) {
      setMissing("email");
      emailInput?.focus();
      return;
    }
    if (!password()) {
      setMissing("password");
      passwordInput?.focus();
      return;
    }
    setMissing(undefined);
    setBusy(true);
    try {
      // Success flips the session to authenticated; the <Navigate> below then takes the user on.
      await login(email().trim(), password());
    } catch (err) {
      setError(err);
      setPassword("");
      passwordInput?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={auth().status !== "authenticated"} fallback={<Navigate href={safeNext(params.next)} />}>
      <main id="main" class="login-page">
        <form class="card login-card" onSubmit={submit} noValidate aria-describedby={error() ? "login-error" : undefined}>
          <p class="brand brand-large">{t("app.name")}</p>
          <h1>{t("login.heading")}</h1>
          <Show when={error()}>
            <div id="login-error">
              <ErrorMessage error={error()} />
            </div>
          </Show>
          <TextField
            ref={emailInput}
            id="login-email"
            testId="login-email"
            label={t("login.email")}
            type="email"
            name="email"
            autocomplete="username"
            required
            autofocus
            value={email()}
            onInput={setEmail}
            error={missing() === "email" ? t("login.emailRequired") : undefined}
            errorId="login-email-hint"
          />
          <TextField
            ref={passwordInput}
            id="login-password"
            testId="login-password"
            label={t("login.password")}
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={setPassword}
            error={missing() === "password" ? t("login.passwordRequired") : undefined}
            errorId="login-password-hint"
          />
          <button type="submit" class="button-primary button-block" data-testid="login-submit" disabled={busy()}>
            {busy() ? t("login.submitting") : t("login.submit")}
          </button>
        </form>
      </main>
    </Show>
  );
}
