// "Invite customer" on the ticket page: makes a link for this ticket, shows it once to copy, and
// can withdraw it (the server then closes the customer's session and sockets).
import { createSignal, Show } from "solid-js";
import { z } from "zod";
import { InviteSchema, type Invite } from "@caseroom/shared";
import { request } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { formatDateTime, t } from "../i18n/index.ts";

const InviteResponse = z.object({ invite: InviteSchema });

export function InviteCustomer(props: { ticketId: string }) {
  const [invite, setInvite] = createSignal<Invite>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [copied, setCopied] = createSignal(false);
  const [revoked, setRevoked] = createSignal(false);
  let linkInput: HTMLInputElement | undefined;

  const create = async () => {
    setBusy(true);
    setError(undefined);
    setRevoked(false);
    setCopied(false);
    try {
      const res = await request("POST", `/api/tickets/${encodeURIComponent(props.ticketId)}/invites`, InviteResponse, {});
      setInvite(res.invite);
      queueMicrotask(() => linkInput?.select());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    const url = invite()?.url;
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission (plain http, old browser): the selected text can be copied by hand.
      linkInput?.select();
      document.execCommand?.("copy");
    }
    setCopied(true);
  };

  const revoke = async () => {
    const current = invite();
    if (!current) return;
    setBusy(true);
    try {
      await request("DELETE", `/api/invites/${encodeURIComponent(current.id)}`, null);
      setInvite(undefined);
      setRevoked(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="invite-customer" data-testid="invite-customer">
      <button type="button" class="button-secondary button-small" data-testid="invite-create" disabled={busy()} onClick={() => void create()}>
        {busy() && !invite() ? t("invite.creating") : t("invite.button")}
      </button>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={() => setError(undefined)} />
      </Show>
      <Show when={revoked()}>
        <p class="muted" role="status">{t("invite.revoked")}</p>
      </Show>
      <Show when={invite()}>
        {(current) => (
          <div class="card invite-panel" role="group" aria-labelledby="invite-heading">
            <h3 id="invite-heading">{t("invite.heading")}</h3>
            <p class="muted">{t("invite.hint")}</p>
            <label class="sr-only" for="invite-link">{t("invite.linkLabel")}</label>
            <input ref={linkInput} id="invite-link" data-testid="invite-link" class="invite-link" readOnly value={current().url} onFocus={(e) => e.currentTarget.select()} />
            <p class="muted">{t("invite.expires", { time: formatDateTime(current().expiresAt) })}</p>
            <div class="invite-actions">
              <button type="button" class="button-primary button-small" data-testid="invite-copy" onClick={() => void copy()}>
                {copied() ? t("invite.copied") : t("invite.copy")}
              </button>
              <button type="button" class="button-secondary button-small" data-testid="invite-revoke" disabled={busy()} onClick={() => void revoke()}>
                {t("invite.revoke")}
              </button>
              <button type="button" class="button-link" onClick={() => setInvite(undefined)}>
                {t("invite.close")}
              </button>
            </div>
          </div>
        )}
      </Show>
    </div>
  );
}
