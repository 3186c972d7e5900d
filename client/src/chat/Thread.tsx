// The messages of a ticket's chat: internal notes marked apart, attachments, edits and deletions
// (own messages, while the server allows), what is still in the outbox, who is typing, who has read.
import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import type { Message } from "@caseroom/shared";
import { AttachmentView } from "../attachments/index.ts";
import { errorText } from "../components/ErrorMessage.tsx";
import { formatDateTime, formatList, t } from "../i18n/index.ts";
import type { Chat } from "./chatStore.ts";
import { Markdown } from "./Markdown.tsx";

/** Own messages show edit and delete for this long (the server's window decides; 15 min by default). */
const EDIT_HINT_MS = 15 * 60 * 1000;

export function Thread(props: { chat: Chat }) {
  const chat = props.chat;
  const [editing, setEditing] = createSignal<string>();
  const [draft, setDraft] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  let list: HTMLOListElement | undefined;

  // Follow new messages, and count them as read while the page is visible.
  createEffect(on(() => chat.messages().length + chat.outbox().length, () => {
    queueMicrotask(() => list?.lastElementChild?.scrollIntoView({ block: "end" }));
    if (document.visibilityState === "visible") chat.markRead();
  }));
  const onVisible = () => document.visibilityState === "visible" && chat.markRead();
  document.addEventListener("visibilitychange", onVisible);
  onCleanup(() => document.removeEventListener("visibilitychange", onVisible));

  const readers = (m: Message) =>
    chat.reads().filter((r) => r.upToSeq >= m.seq && !(m.author.id && r.participant.id === m.author.id)).map((r) => r.participant.name);
  const lastOwn = () => [...chat.messages()].reverse().find((m) => chat.isMine(m));
  const canChange = (m: Message) => chat.isMine(m) && !m.deletedAt && Date.now() - Date.parse(m.createdAt) < EDIT_HINT_MS;
  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="chat-thread" data-testid="chat-thread">
      <Show when={chat.hasOlder()}>
        <button type="button" class="button-link chat-older" onClick={() => void act(chat.loadOlder)}>{t("chat.older")}</button>
      </Show>
      <Show when={error()}>
        <p class="alert alert-error" role="alert">{errorText(error())}</p>
      </Show>
      <ol class="chat-messages" ref={list} aria-live="polite" aria-label={t("chat.messages")}>
        <Show when={chat.messages().length === 0 && chat.outbox().length === 0}>
          <li class="muted chat-empty">{t("chat.empty")}</li>
        </Show>
        <For each={chat.messages()}>
          {(m) => (
            <li
              class="chat-message"
              classList={{ internal: m.visibility === "internal", mine: chat.isMine(m), deleted: Boolean(m.deletedAt) }}
              data-testid="chat-message"
              data-visibility={m.visibility}
              data-seq={m.seq}
            >
              <p class="chat-meta">
                <span class="chat-author">{m.author.name}</span>
                <Show when={m.visibility === "internal"}>
                  <span class="chat-internal-badge">{t("chat.internalBadge")}</span>
                </Show>
                <time class="muted" dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
                <Show when={m.editedAt && !m.deletedAt}>
                  <span class="muted">{t("chat.edited")}</span>
                </Show>
              </p>
              <Show when={!m.deletedAt} fallback={<p class="muted chat-deleted">{t("chat.deleted")}</p>}>
                <Show when={editing() === m.id} fallback={<div class="chat-text" data-testid="chat-text"><Markdown text={m.text} /></div>}>
                  <form class="chat-edit" onSubmit={(e) => { e.preventDefault(); void act(async () => { await chat.edit(m.id, draft()); setEditing(undefined); }); }}>
                    <label class="sr-only" for={`edit-${m.id}`}>{t("chat.editLabel")}</label>
                    <textarea id={`edit-${m.id}`} rows={2} value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
                    <button type="submit" class="button-primary button-small">{t("chat.save")}</button>
                    <button type="button" class="button-link" onClick={() => setEditing(undefined)}>{t("chat.cancel")}</button>
                  </form>
                </Show>
                <For each={m.attachments}>{(a) => <AttachmentView attachment={a} />}</For>
              </Show>
              <Show when={canChange(m) && editing() !== m.id}>
                <p class="chat-actions">
                  <button type="button" class="button-link" onClick={() => { setDraft(m.text); setEditing(m.id); }}>{t("chat.edit")}</button>
                  <button type="button" class="button-link" onClick={() => void act(() => chat.remove(m.id))}>{t("chat.delete")}</button>
                </p>
              </Show>
              <Show when={lastOwn()?.id === m.id && readers(m).length > 0}>
                <p class="muted chat-read" data-testid="chat-read">{t("chat.seenBy", { names: formatList(readers(m)) })}</p>
              </Show>
            </li>
          )}
        </For>
        <For each={chat.outbox()}>
          {(o) => (
            <li class="chat-message mine pending" classList={{ internal: o.visibility === "internal", failed: o.status === "failed" }} data-testid="chat-pending">
              <div class="chat-text"><Markdown text={o.text} /></div>
              <p class="muted chat-status">
                <Show when={o.status === "failed"} fallback={t("chat.sending")}>
                  {t("chat.notSent")}{" "}
                  <button type="button" class="button-link" onClick={() => chat.retry(o.id)}>{t("chat.retry")}</button>{" "}
                  <button type="button" class="button-link" onClick={() => chat.discard(o.id)}>{t("chat.discard")}</button>
                </Show>
              </p>
            </li>
          )}
        </For>
      </ol>
      <p class="muted chat-typing" aria-live="polite" data-testid="chat-typing">
        <Show when={chat.typing().length > 0}>{t("chat.typing", { names: formatList(chat.typing().map((a) => a.name)) })}</Show>
      </p>
    </div>
  );
}
