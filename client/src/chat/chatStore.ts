// One ticket's chat in the client, for staff and guests alike: messages by seq (one order, no
// duplicates), an outbox that keeps unsent messages in order across reloads (localStorage) and
// sends them with the same ids once connected, catch-up after a reconnect, typing and read receipts.
import { createSignal, onCleanup } from "solid-js";
import { MessageListSchema, MessageSchema, type ChatAuthor, type Message, type ReadReceipt } from "@caseroom/shared";
import { z } from "zod";
import { ApiError, request } from "../api.ts";

/** What the chat needs of a socket: the staff one and the guest one both fit. */
export interface ChatSocketLike {
  connected: boolean;
  recovered: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

export interface OutboxItem {
  id: string;
  text: string;
  visibility: MessageVisibility;
  attachmentIds: string[];
  replyTo?: string;
  /** failed: the server refused it (kept to retry or discard); queued: waiting for a connection. */
  status: "queued" | "sending" | "failed";
  error?: string;
}

export interface ChatOptions {
  ticketId: string;
  socket: ChatSocketLike;
  /** Who is writing, to key the outbox and to tell own messages. */
  me: { kind: "staff" | "guest"; id: string };
  /** Staff join a ticket's chat explicitly; a guest socket is in its chat from the start. */
  join?: boolean;
}

type MessageVisibility = Message["visibility"];
const SEND_TIMEOUT_MS = 10_000;
const TYPING_EVERY_MS = 2_000;
const TYPING_SHOWN_MS = 5_000;
const Ack = z.union([z.object({ ok: z.literal(true), data: z.object({ message: MessageSchema }) }), z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) })]);
const MessageResponse = z.object({ message: MessageSchema });

export function createChat(options: ChatOptions) {
  const { ticketId, socket } = options;
  const storageKey = `caseroom.outbox.${options.me.kind}.${options.me.id}.${ticketId}`;
  const [messages, setMessages] = createSignal<Message[]>([]);
  const [outbox, setOutbox] = createSignal<OutboxItem[]>(readOutbox());
  const [typing, setTyping] = createSignal<{ author: ChatAuthor; until: number }[]>([]);
  const [reads, setReads] = createSignal<ReadReceipt[]>([]);
  const [hasOlder, setHasOlder] = createSignal(false);
  const [loadError, setLoadError] = createSignal<unknown>();
  let flushing = false;
  let lastTypingSent = 0;
  let lastReadSent = 0;

  function readOutbox(): OutboxItem[] {
    try {
      const items = JSON.parse(localStorage.getItem(storageKey) ?? "[]") as OutboxItem[];
      // A send cut short by a reload is retried: same id, so never a duplicate.
      return Array.isArray(items) ? items.map((i) => (i.status === "sending" ? { ...i, status: "queued" } : i)) : [];
    } catch {
      return [];
    }
  }
  const saveOutbox = (items: OutboxItem[]) => {
    setOutbox(items);
    if (items.length) localStorage.setItem(storageKey, JSON.stringify(items));
    else localStorage.removeItem(storageKey);
  };

  /** Inserts or replaces by id, kept sorted by seq. */
  function upsert(incoming: Message[]) {
    if (!incoming.length) return;
    setMessages((list) => {
      const byId = new Map(list.map((m) => [m.id, m]));
      for (const m of incoming) if (m.ticketId === ticketId) byId.set(m.id, m);
      return [...byId.values()].sort((a, b) => a.seq - b.seq);
    });
    const stored = new Set(incoming.map((m) => m.id));
    if (outbox().some((o) => stored.has(o.id))) saveOutbox(outbox().filter((o) => !stored.has(o.id)));
  }
  const lastSeq = () => messages().at(-1)?.seq ?? 0;
  const path = (query: string) => `/api/tickets/${encodeURIComponent(ticketId)}/messages${query}`;

  async function loadLatest() {
    try {
      const page = await request("GET", path("?limit=50"), MessageListSchema);
      upsert(page.messages);
      setHasOlder(page.hasMore);
      setReads(page.reads);
      setLoadError(undefined);
    } catch (err) {
      setLoadError(err);
    }
  }

  async function loadOlder() {
    const first = messages()[0]?.seq;
    if (first === undefined) return;
    const page = await request("GET", path(`?before=${first}&limit=50`), MessageListSchema);
    upsert(page.messages);
    setHasOlder(page.hasMore);
  }

  /**
   * Everything after `from`, page by page: no gap after an outage. `from` is the last message held
   * when the connection dropped, not the last one held now: a live message that arrives after the
   * reconnect but before this fetch must not make us skip the ones sent during the outage.
   */
  async function catchUp(from: number) {
    if (messages().length === 0) return loadLatest();
    let after = from;
    for (let guard = 0; guard < 50; guard++) {
      const page = await request("GET", path(`?after=${after}&limit=200`), MessageListSchema);
      upsert(page.messages);
      setReads(page.reads);
      if (!page.hasMore || page.messages.length === 0) break;
      after = Math.max(...page.messages.map((m) => m.seq));
    }
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      // One at a time, in order: the server stores them in the order they arrive.
      for (;;) {
        const next = outbox().find((o) => o.status === "queued");
        if (!next || !socket.connected) break;
        saveOutbox(outbox().map((o) => (o.id === next.id ? { ...o, status: "sending" } : o)));
        let raw: unknown;
        try {
          raw = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("chat:send", {
            ticketId,
            message: { id: next.id, text: next.text, visibility: next.visibility, ...(next.replyTo ? { replyTo: next.replyTo } : {}), ...(next.attachmentIds.length ? { attachmentIds: next.attachmentIds } : {}) },
          });
        } catch {
          // No answer in time: back to the queue; the reconnect (or the next send) tries again with the same id.
          saveOutbox(outbox().map((o) => (o.id === next.id ? { ...o, status: "queued" } : o)));
          break;
        }
        const ack = Ack.safeParse(raw);
        if (ack.success && ack.data.ok) upsert([ack.data.data.message]);
        else {
          const error = ack.success && !ack.data.ok ? ack.data.error.code : "internal";
          saveOutbox(outbox().map((o) => (o.id === next.id ? { ...o, status: "failed", error } : o)));
        }
      }
    } finally {
      flushing = false;
    }
  }

  const onMessage = ({ message }: { message: Message }) => upsert([message]);
  const onTyping = ({ ticketId: id, author, typing: on }: { ticketId: string; author: ChatAuthor; typing: boolean }) => {
    if (id !== ticketId || (author.kind === options.me.kind && author.id === options.me.id)) return;
    const others = typing().filter((t) => !(t.author.kind === author.kind && t.author.id === author.id) && t.until > Date.now());
    setTyping(on ? [...others, { author, until: Date.now() + TYPING_SHOWN_MS }] : others);
  };
  const onRead = (receipt: { ticketId: string } & ReadReceipt) => {
    if (receipt.ticketId !== ticketId) return;
    setReads((list) => [...list.filter((r) => !(r.participant.kind === receipt.participant.kind && r.participant.id === receipt.participant.id)), { participant: receipt.participant, upToSeq: receipt.upToSeq }]);
  };
  let heldAtDisconnect: number | undefined;
  const onDisconnect = () => {
    heldAtDisconnect ??= lastSeq();
  };
  const onConnect = async () => {
    const from = heldAtDisconnect ?? lastSeq();
    if (options.join) {
      const ack = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck("chat:join", { ticketId }).catch(() => null)) as { ok: boolean } | null;
      if (!ack?.ok) return;
    }
    // A recovered connection got what it missed from the server; otherwise ask the database.
    if (!socket.recovered) {
      try {
        await catchUp(from);
        heldAtDisconnect = undefined;
      } catch {
        /* kept: the next connect catches up from the same place */
      }
    } else heldAtDisconnect = undefined;
    await flush();
  };
  socket.on("chat:message", onMessage);
  socket.on("chat:updated", onMessage);
  socket.on("chat:typing", onTyping);
  socket.on("chat:read", onRead);
  socket.on("connect", onConnect);
  socket.on("disconnect", onDisconnect);
  const expireTyping = setInterval(() => setTyping((list) => (list.some((t) => t.until <= Date.now()) ? list.filter((t) => t.until > Date.now()) : list)), 1000);
  onCleanup(() => {
    clearInterval(expireTyping);
    socket.off("chat:message", onMessage);
    socket.off("chat:updated", onMessage);
    socket.off("chat:typing", onTyping);
    socket.off("chat:read", onRead);
    socket.off("connect", onConnect);
    socket.off("disconnect", onDisconnect);
    if (options.join && socket.connected) socket.emit("chat:leave", { ticketId }, () => {});
  });
  void loadLatest().then(() => (socket.connected ? onConnect() : undefined));

  return {
    messages,
    outbox,
    typing: () => typing().map((t) => t.author),
    reads,
    hasOlder,
    loadError,
    loadOlder,
    isMine: (m: Message) => m.author.kind === options.me.kind && m.author.id === options.me.id,

    send(text: string, visibility: MessageVisibility, attachmentIds: string[] = [], replyTo?: string) {
      saveOutbox([...outbox(), { id: crypto.randomUUID(), text, visibility, attachmentIds, ...(replyTo ? { replyTo } : {}), status: "queued" }]);
      if (socket.connected) socket.emit("chat:typing", { ticketId, typing: false, visibility });
      lastTypingSent = 0;
      void flush();
    },
    retry(id: string) {
      saveOutbox(outbox().map((o) => (o.id === id ? { ...o, status: "queued", error: undefined } : o)));
      void flush();
    },
    discard(id: string) {
      saveOutbox(outbox().filter((o) => o.id !== id));
    },
    async edit(id: string, text: string) {
      upsert([(await request("PATCH", path(`/${encodeURIComponent(id)}`), MessageResponse, { text })).message]);
    },
    async remove(id: string) {
      upsert([(await request("DELETE", path(`/${encodeURIComponent(id)}`), MessageResponse)).message]);
    },
    /** Called on each keystroke; tells the others at most every 2 s. */
    typed(visibility: MessageVisibility) {
      const now = Date.now();
      if (!socket.connected || now - lastTypingSent < TYPING_EVERY_MS) return;
      lastTypingSent = now;
      socket.emit("chat:typing", { ticketId, typing: true, visibility });
    },
    /** Marks everything shown as read (the server keeps the highest mark). */
    markRead() {
      const seq = lastSeq();
      if (!socket.connected || seq <= lastReadSent) return;
      lastReadSent = seq;
      socket.emit("chat:read", { ticketId, upToSeq: seq }, () => {});
    },
    errorCode: (err: unknown) => (err instanceof ApiError ? err.code : "internal"),
  };
}
export type Chat = ReturnType<typeof createChat>;
