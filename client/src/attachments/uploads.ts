// The uploads of one composer: each file goes up at once with its progress; a message is sent with
// the ids of those that finished. Keep one per composer (createUploads inside the component).
import type { UploadedAttachment } from "@caseroom/shared";
import { createSignal, onCleanup } from "solid-js";
import { uploadAttachment, type UploadHandle } from "./api.ts";

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** 0…1 while uploading. */
  progress: number;
  status: "uploading" | "done" | "failed";
  attachment?: UploadedAttachment;
  error?: unknown;
}

export interface Uploads {
  items(): UploadItem[];
  /** Starts uploading each file. */
  add(files: File[]): void;
  /** Cancels (if still going) and forgets one upload. */
  remove(key: number): void;
  /** Ids of the finished uploads, in the order they were added. */
  readyIds(): string[];
  /** Whether any upload is still going (the send button waits for it). */
  busy(): boolean;
  /** Forgets everything (after the message went out). */
  clear(): void;
}

let nextKey = 1;

export function createUploads(ticketId: () => string): Uploads {
  const [items, setItems] = createSignal<UploadItem[]>([]);
  const handles = new Map<number, UploadHandle>();
  const update = (key: number, patch: Partial<UploadItem>) => setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  onCleanup(() => handles.forEach((h) => h.abort()));

  return {
    items,
    add(files) {
      for (const file of files) {
        const key = nextKey++;
        setItems((list) => [...list, { key, name: file.name || "file", size: file.size, progress: 0, status: "uploading" }]);
        const handle = uploadAttachment(ticketId(), file, file.name || "file", (progress) => update(key, { progress }));
        handles.set(key, handle);
        handle.done
          .then((attachment) => update(key, { status: "done", progress: 1, attachment }))
          .catch((error) => update(key, { status: "failed", error }))
          .finally(() => handles.delete(key));
      }
    },
    remove(key) {
      handles.get(key)?.abort();
      handles.delete(key);
      setItems((list) => list.filter((item) => item.key !== key));
    },
    readyIds: () => items().flatMap((item) => (item.status === "done" && item.attachment ? [item.attachment.id] : [])),
    busy: () => items().some((item) => item.status === "uploading"),
    clear() {
      handles.forEach((h) => h.abort());
      handles.clear();
      setItems([]);
    },
  };
}
