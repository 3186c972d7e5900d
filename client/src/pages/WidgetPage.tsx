// /widget/:key — the window the website widget opens (widget.js): the visitor's name and first
// message open a new ticket with a chat, then the guest page takes over. `origin` is the website it
// was opened from; the server checks it against the key's allowed websites.
import { createSignal, Show } from "solid-js";
import { useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { z } from "zod";
import { GuestSchema } from "@caseroom/shared";
import { request } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { TextField } from "../components/Field.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { t } from "../i18n/index.ts";

const Created = z.object({ ticket: z.object({ id: z.string(), number: z.number() }), guest: GuestSchema });

export function WidgetPage() {
  usePageTitle(() => t("widget.heading"));
  const params = useParams<{ key: string }>();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [text, setText] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [missing, setMissing] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!name().trim() || !text().trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const origin = typeof search.origin === "string" ? search.origin : undefined;
      await request("POST", "/api/widget/tickets", Created, { widgetKey: params.key, name: name().trim(), text: text().trim(), ...(origin ? { embedOrigin: origin } : {}) });
      navigate("/guest", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login-page guest-join">
      <form class="card login-card" onSubmit={submit} noValidate data-testid="widget-form">
        <p class="brand brand-large">{t("app.name")}</p>
        <h1>{t("widget.heading")}</h1>
        <Show when={error()}>
          <ErrorMessage error={error()} />
        </Show>
        <TextField id="widget-name" testId="widget-name" label={t("join.name")} type="text" maxLength={80} autocomplete="name" value={name()} onInput={setName} error={missing() && !name().trim() ? t("join.nameRequired") : undefined} />
        <div class="field">
          <label for="widget-text">{t("widget.message")}</label>
          <textarea id="widget-text" data-testid="widget-text" rows={4} maxLength={5000} value={text()} onInput={(e) => setText(e.currentTarget.value)} aria-invalid={missing() && !text().trim() ? "true" : undefined} />
          <Show when={missing() && !text().trim()}>
            <p class="field-error">{t("widget.messageRequired")}</p>
          </Show>
        </div>
        <button type="submit" class="button-primary button-block" data-testid="widget-submit" disabled={busy()}>
          {busy() ? t("join.submitting") : t("widget.submit")}
        </button>
      </form>
    </main>
  );
}
