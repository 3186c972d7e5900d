// The ticket's troubleshooting checklist, edited live: add a step, tick it (and see who did), edit
// its text, move it up or down, delete it. Everything works from the keyboard.
import { createSignal, For, Show } from "solid-js";
import { CHECKLIST_TEXT_MAX } from "../collab/checklist.ts";
import type { TicketCollab } from "../collab/ticketCollab.ts";
import { t } from "../i18n/index.ts";
import { staffName } from "../session.ts";
import { FocusMarks, trackFocus } from "./CollabPresence.tsx";

export function Checklist(props: { collab: TicketCollab; editable: boolean; labelledBy: string }) {
  const [draft, setDraft] = createSignal("");
  let list!: HTMLOListElement;
  let addInput!: HTMLInputElement;
  const edits = () => props.collab.checklistEdits;
  const items = () => props.collab.checklist;
  const doneCount = () => items().filter((item) => item.done).length;

  const add = (e: SubmitEvent) => {
    e.preventDefault();
    if (edits().add(draft())) setDraft("");
    addInput.focus();
  };
  // Moving re-inserts the row, which takes the focus from its button: give it back.
  const refocus = (id: string, selector: string) =>
    queueMicrotask(() => list.querySelector<HTMLElement>(`[data-item-id="${CSS.escape(id)}"] ${selector}`)?.focus());

  return (
    <div class="checklist" data-testid="checklist" data-done={doneCount()} data-count={items().length}>
      <Show when={items().length > 0} fallback={<p class="muted">{t("checklist.empty")}</p>}>
        <p class="muted checklist-progress">{t("checklist.progress", { count: items().length, done: doneCount() })}</p>
      </Show>
      <ol ref={list} class="checklist-items" aria-labelledby={props.labelledBy}>
        <For each={items()}>
          {(item, index) => {
            const focus = trackFocus(props.collab, item.id);
            const label = () => item.text.trim() || t("checklist.step", { number: index() + 1 });
            return (
              <li
                class={item.done ? "checklist-item checklist-item-done" : "checklist-item"}
                data-testid="checklist-item"
                data-item-id={item.id}
                data-done={item.done ? "true" : "false"}
                onFocusIn={focus.onFocusIn}
                onFocusOut={focus.onFocusOut}
              >
                <input
                  type="checkbox"
                  data-testid="checklist-item-toggle"
                  checked={item.done}
                  disabled={!props.editable}
                  aria-label={t("checklist.toggle", { text: label() })}
                  onChange={(e) => edits().toggle(item.id, e.currentTarget.checked)}
                />
                <div class="checklist-main">
                  <input
                    type="text"
                    class="checklist-text"
                    data-testid="checklist-item-text"
                    value={item.text}
                    maxLength={CHECKLIST_TEXT_MAX}
                    disabled={!props.editable}
                    aria-label={t("checklist.step", { number: index() + 1 })}
                    onInput={(e) => edits().edit(item.id, e.currentTarget.value)}
                  />
                  <Show when={item.done && item.doneBy}>
                    {(doneBy) => <span class="checklist-done-by muted" data-testid="checklist-item-done-by">{t("checklist.doneBy", { name: staffName(doneBy()) })}</span>}
                  </Show>
                </div>
                <FocusMarks collab={props.collab} focus={item.id} />
                <div class="checklist-actions">
                  <button
                    type="button"
                    class="button-secondary button-icon checklist-up"
                    disabled={!props.editable || index() === 0}
                    aria-label={t("checklist.moveUp", { text: label() })}
                    title={t("checklist.moveUp", { text: label() })}
                    onClick={() => {
                      edits().move(item.id, -1);
                      refocus(item.id, ".checklist-up");
                    }}
                  >
                    <span aria-hidden="true">↑</span>
                  </button>
                  <button
                    type="button"
                    class="button-secondary button-icon checklist-down"
                    disabled={!props.editable || index() === items().length - 1}
                    aria-label={t("checklist.moveDown", { text: label() })}
                    title={t("checklist.moveDown", { text: label() })}
                    onClick={() => {
                      edits().move(item.id, 1);
                      refocus(item.id, ".checklist-down");
                    }}
                  >
                    <span aria-hidden="true">↓</span>
                  </button>
                  <button
                    type="button"
                    class="button-secondary button-icon checklist-delete"
                    data-testid="checklist-item-delete"
                    disabled={!props.editable}
                    aria-label={t("checklist.delete", { text: label() })}
                    title={t("checklist.delete", { text: label() })}
                    onClick={() => {
                      edits().remove(item.id);
                      addInput.focus();
                    }}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </div>
              </li>
            );
          }}
        </For>
      </ol>
      <form class="checklist-add" onSubmit={add}>
        <label for="checklist-add-input" class="sr-only">{t("checklist.newStep")}</label>
        <input
          ref={addInput}
          id="checklist-add-input"
          data-testid="checklist-add-input"
          type="text"
          maxLength={CHECKLIST_TEXT_MAX}
          placeholder={t("checklist.newStepPlaceholder")}
          value={draft()}
          disabled={!props.editable}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit" class="button-secondary" data-testid="checklist-add" disabled={!props.editable || !draft().trim()}>
          {t("checklist.add")}
        </button>
      </form>
    </div>
  );
}
