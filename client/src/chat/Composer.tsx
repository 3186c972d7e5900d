// Writing a message: text (Enter sends, Shift+Enter breaks the line), attachments through the
// attachments picker, drag-and-drop and paste, and for staff the choice between a reply to the
// customer and an internal note. Sending never waits for the network: the chat's outbox does.
import { createSignal, Show } from "solid-js";
import { AttachmentPicker, createUploads, UploadList, useDropAndPaste } from "../attachments/index.ts";
import { t } from "../i18n/index.ts";
import type { Chat } from "./chatStore.ts";

export function Composer(props: { chat: Chat; ticketId: string; allowInternal: boolean }) {
  const [text, setText] = createSignal("");
  const [internal, setInternal] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);
  const uploads = createUploads(() => props.ticketId);
  let form: HTMLFormElement | undefined;
  useDropAndPaste(() => form, uploads.add, setDragging);
  const visibility = () => (props.allowInternal && internal() ? "internal" : "public");
  const canSend = () => (text().trim().length > 0 || uploads.readyIds().length > 0) && !uploads.busy();

  const send = (event?: Event) => {
    event?.preventDefault();
    if (!canSend()) return;
    props.chat.send(text().trim(), visibility(), uploads.readyIds());
    setText("");
    uploads.clear();
  };

  return (
    <form ref={form} class="chat-composer" classList={{ internal: visibility() === "internal", dragging: dragging() }} onSubmit={send} data-testid="chat-composer">
      <Show when={props.allowInternal}>
        <div class="chat-mode" role="radiogroup" aria-label={t("chat.mode")}>
          <label><input type="radio" name="chat-mode" checked={!internal()} onChange={() => setInternal(false)} data-testid="chat-mode-public" /> {t("chat.modePublic")}</label>
          <label><input type="radio" name="chat-mode" checked={internal()} onChange={() => setInternal(true)} data-testid="chat-mode-internal" /> {t("chat.modeInternal")}</label>
        </div>
      </Show>
      <label class="sr-only" for={`chat-input-${props.ticketId}`}>{visibility() === "internal" ? t("chat.placeholderInternal") : t("chat.placeholder")}</label>
      <textarea
        id={`chat-input-${props.ticketId}`}
        data-testid="chat-input"
        rows={2}
        maxLength={10_000}
        placeholder={visibility() === "internal" ? t("chat.placeholderInternal") : t("chat.placeholder")}
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          props.chat.typed(visibility());
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e);
        }}
      />
      <UploadList uploads={uploads} />
      <div class="chat-composer-actions">
        <AttachmentPicker onFiles={uploads.add} />
        <button type="submit" class="button-primary" data-testid="chat-send" disabled={!canSend()}>
          {visibility() === "internal" ? t("chat.sendInternal") : t("chat.send")}
        </button>
      </div>
      <p class="muted chat-hint">{t("chat.hint")}</p>
    </form>
  );
}
