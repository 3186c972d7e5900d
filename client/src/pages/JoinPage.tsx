// /join/:token — the customer's first page: their name, then a guest session for one ticket. The
// token leaves the address bar (replace) as soon as it has been used.
import { createSignal, Show } from "solid-js";
import { useNavigate, useParams } from "@solidjs/router";
import { ApiError } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { TextField } from "../components/Field.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { guestApi } from "../guest/session.ts";
import { t } from "../i18n/index.ts";

const NAME_KEY = "caseroom.guestName";

function refusal(err: unknown): string | undefined {
  if (!(err instanceof ApiError) || err.code !== "forbidden") return undefined;
  const reason = err.details?.reason;
  if (reason === "expired") return t("join.expired");
  if (reason === "revoked") return t("join.revoked");
  return t("join.invalid");
}

export function JoinPage() {
  usePageTitle(() => t("join.heading"));
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [name, setName] = createSignal(localStorage.getItem(NAME_KEY) ?? "");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [missing, setMissing] = createSignal(false);
  let nameInput: HTMLInputElement | undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!name().trim()) {
      setMissing(true);
      nameInput?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      await guestApi.accept(params.token, name().trim());
      localStorage.setItem(NAME_KEY, name().trim());
      navigate("/guest", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login-page guest-join">
      <form class="card login-card" onSubmit={submit} noValidate data-testid="join-form">
        <p class="brand brand-large">{t("app.name")}</p>
        <h1>{t("join.heading")}</h1>
        <p class="muted">{t("join.introGeneric")}</p>
        <Show when={error()}>
          {(err) => (
            <Show when={refusal(err())} fallback={<ErrorMessage error={err()} />}>
              {(text) => (
                <div class="alert alert-error" role="alert" data-testid="join-refused">
                  <p>{text()}</p>
                </div>
              )}
            </Show>
          )}
        </Show>
        <TextField
          ref={nameInput}
          id="join-name"
          testId="join-name"
          label={t("join.name")}
          type="text"
          maxLength={80}
          name="name"
          autocomplete="name"
          required
          autofocus
          value={name()}
          onInput={setName}
          error={missing() ? t("join.nameRequired") : undefined}
          errorId="join-name-hint"
        />
        <button type="submit" class="button-primary button-block" data-testid="join-submit" disabled={busy()}>
          {busy() ? t("join.submitting") : t("join.submit")}
        </button>
      </form>
    </main>
  );
}
