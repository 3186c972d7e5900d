// The technicians' shared notes: a Tiptap editor bound to the ticket document's "notes" fragment,
// showing the other people's cursors. Solid owns the box and the toolbar; Tiptap owns the text.
import { createEffect, createSignal, For, onCleanup, onMount } from "solid-js";
import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import StarterKit from "@tiptap/starter-kit";
import { ticketDoc } from "@caseroom/shared";
import type { TicketCollab } from "../collab/ticketCollab.ts";
import { t } from "../i18n/index.ts";

interface Tool {
  name: "bold" | "italic" | "bulletList" | "orderedList";
  label: `notes.tool.${"bold" | "italic" | "bulletList" | "orderedList"}`;
  /** The glyph on the button; letters are the locale's (Ж for bold in Russian). */
  icon: () => string;
  run: (editor: Editor) => boolean;
}

const tools: Tool[] = [
  { name: "bold", label: "notes.tool.bold", icon: () => t("notes.icon.bold"), run: (e) => e.chain().focus().toggleBold().run() },
  { name: "italic", label: "notes.tool.italic", icon: () => t("notes.icon.italic"), run: (e) => e.chain().focus().toggleItalic().run() },
  { name: "bulletList", label: "notes.tool.bulletList", icon: () => "•", run: (e) => e.chain().focus().toggleBulletList().run() },
  { name: "orderedList", label: "notes.tool.orderedList", icon: () => "1.", run: (e) => e.chain().focus().toggleOrderedList().run() },
];

export function NotesEditor(props: { collab: TicketCollab; labelledBy: string; describedBy: string; editable: boolean }) {
  let host!: HTMLDivElement;
  let toolbar!: HTMLDivElement;
  const [editor, setEditor] = createSignal<Editor>();
  // Bumped on every editor transaction, so the toolbar re-reads which marks are active.
  const [revision, setRevision] = createSignal(0);
  const [activeTool, setActiveTool] = createSignal(0);

  onMount(() => {
    const instance = new Editor({
      element: host,
      editable: props.editable,
      extensions: [
        // Collaboration brings its own undo history, which undoes only this user's changes.
        StarterKit.configure({ undoRedo: false, link: false, heading: { levels: [3, 4] } }),
        Collaboration.configure({ fragment: ticketDoc.notes(props.collab.doc) }),
        CollaborationCaret.configure({ provider: props.collab.provider, user: props.collab.user }),
      ],
      editorProps: {
        attributes: {
          class: "notes-content",
          role: "textbox",
          "aria-multiline": "true",
          "aria-labelledby": props.labelledBy,
          "aria-describedby": props.describedBy,
          "data-testid": "notes-editor",
        },
      },
      onFocus: () => props.collab.setFocus("notes"),
      onBlur: () => {
        if (props.collab.focus() === "notes") props.collab.setFocus(null);
      },
      onTransaction: () => setRevision((n) => n + 1),
    });
    setEditor(instance);
    onCleanup(() => {
      setEditor(undefined);
      instance.destroy();
    });
  });

  createEffect(() => editor()?.setEditable(props.editable));

  const isActive = (tool: Tool) => {
    revision();
    return editor()?.isActive(tool.name) ?? false;
  };

  // One tab stop for the whole toolbar; the arrow keys move between its buttons (WAI-ARIA toolbar).
  const onToolbarKey = (e: KeyboardEvent) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    const jump = e.key === "Home" ? 0 : e.key === "End" ? tools.length - 1 : undefined;
    if (!step && jump === undefined) return;
    e.preventDefault();
    const next = jump ?? (activeTool() + step + tools.length) % tools.length;
    setActiveTool(next);
    toolbar.querySelectorAll("button")[next]?.focus();
  };

  return (
    <div class="notes-editor">
      <div ref={toolbar} class="notes-toolbar" role="toolbar" aria-label={t("notes.toolbar")} aria-controls="ticket-notes-editor" onKeyDown={onToolbarKey}>
        <For each={tools}>
          {(tool, index) => (
            <button
              type="button"
              class={`notes-tool notes-tool-${tool.name}`}
              aria-pressed={isActive(tool)}
              aria-label={t(tool.label)}
              title={t(tool.label)}
              tabIndex={index() === activeTool() ? 0 : -1}
              disabled={!props.editable}
              // Keep the text selection: pressing a button must not take the focus from the editor.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                setActiveTool(index());
                const current = editor();
                if (current) tool.run(current);
              }}
            >
              <span aria-hidden="true">{tool.icon()}</span>
            </button>
          )}
        </For>
      </div>
      <div ref={host} id="ticket-notes-editor" class="notes-host" />
    </div>
  );
}
