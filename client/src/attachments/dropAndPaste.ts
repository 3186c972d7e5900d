// Files dropped on, or images pasted into, an element (the composer) become uploads.
import { onCleanup, onMount } from "solid-js";

/** Wires drag-and-drop and paste of files on `element`; call inside a component. */
export function useDropAndPaste(element: () => HTMLElement | undefined, onFiles: (files: File[]) => void, onDragging?: (dragging: boolean) => void): void {
  const hasFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes("Files"));
  const over = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    onDragging?.(true);
  };
  const leave = () => onDragging?.(false);
  const drop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    onDragging?.(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) onFiles(files);
  };
  // Only images are taken from the clipboard: pasted text stays text.
  const paste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
    if (!files.length) return;
    e.preventDefault();
    onFiles(files);
  };
  let el: HTMLElement | undefined;
  onMount(() => {
    el = element();
    el?.addEventListener("dragover", over);
    el?.addEventListener("dragleave", leave);
    el?.addEventListener("drop", drop);
    el?.addEventListener("paste", paste);
  });
  onCleanup(() => {
    el?.removeEventListener("dragover", over);
    el?.removeEventListener("dragleave", leave);
    el?.removeEventListener("drop", drop);
    el?.removeEventListener("paste", paste);
  });
}
