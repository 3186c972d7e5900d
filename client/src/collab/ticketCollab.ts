// The live ticket document: one Y.Doc and one stock y-websocket provider per open ticket page,
// with Solid signals for what the page shows (connection, fields, checklist, who is here and where)
// and the edits the page makes. Edits made offline stay in the Y.Doc; the provider sends them when
// it reconnects, and Yjs merges them with everyone else's.
import { createSignal, type Accessor } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import * as Y from "yjs";
import { Awareness } from "y-protocols/awareness";
import { WebsocketProvider } from "y-websocket";
import {
  collabCloseCodes,
  ProjectedFieldsSchema,
  readChecklist,
  TicketAwarenessSchema,
  ticketDoc,
  ticketDocName,
  type ChecklistItem,
  type ProjectedFields,
  type TicketAwareness,
} from "@caseroom/shared";
import { addItem, moveItem, removeItem, setDone, setText } from "./checklist.ts";

export type CollabStatus = "connecting" | "connected" | "offline";
/** Why the server ended the connection for good; reconnecting would be refused again. */
export type CollabFailure = "unauthenticated" | "forbidden" | "notFound" | "tooLarge" | "badRequest";
export type FieldName = keyof ProjectedFields;
export type PresenceUser = TicketAwareness["user"];
/** Another person's connection to this ticket, and what they are working on. */
export interface Peer {
  clientId: number;
  user: PresenceUser;
  focus: string | null;
}
export interface DocFields extends Partial<ProjectedFields> {
  tags: string[];
}

const failures: Partial<Record<number, CollabFailure>> = {
  [collabCloseCodes.badRequest]: "badRequest",
  [collabCloseCodes.unauthenticated]: "unauthenticated",
  [collabCloseCodes.forbidden]: "forbidden",
  [collabCloseCodes.notFound]: "notFound",
  [collabCloseCodes.tooLarge]: "tooLarge",
};

/** Marks this page's own transactions (the editor binding uses its own origin). */
const LOCAL = Symbol("caseroom-local-edit");

export interface TicketCollab {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly user: PresenceUser;
  readonly status: Accessor<CollabStatus>;
  /** In step with the server right now. */
  readonly synced: Accessor<boolean>;
  /** Has received the server's state at least once, so the fields are the document's. */
  readonly loaded: Accessor<boolean>;
  readonly failure: Accessor<CollabFailure | null>;
  /** The document's fields; only values that pass the shared schema appear. */
  readonly fields: DocFields;
  readonly checklist: readonly ChecklistItem[];
  /** Everyone else here (not this user's other tabs). */
  readonly peers: Accessor<Peer[]>;
  /** Where this user is: a field name, "notes", a checklist item id, or null. */
  readonly focus: Accessor<string | null>;
  setFocus(focus: string | null): void;
  setField<K extends FieldName>(name: K, value: ProjectedFields[K]): void;
  readonly checklistEdits: {
    add(text: string): string | undefined;
    toggle(id: string, done: boolean): void;
    edit(id: string, text: string): void;
    remove(id: string): void;
    move(id: string, offset: number): void;
  };
  destroy(): void;
}

export interface OpenOptions {
  /** Called when the server says the session has ended (4401). */
  onSessionEnded?: () => void;
}

export function collabServerUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/collab`;
}

export function openTicketCollab(ticketId: string, user: PresenceUser, options: OpenOptions = {}): TicketCollab {
  const doc = new Y.Doc();
  // Presence is set before the provider connects: the server refuses a state without our user.
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user, focus: null } satisfies TicketAwareness);

  const [status, setStatus] = createSignal<CollabStatus>("connecting");
  const [synced, setSynced] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [failure, setFailure] = createSignal<CollabFailure | null>(null);
  const [peers, setPeers] = createSignal<Peer[]>([]);
  const [focus, setFocusSignal] = createSignal<string | null>(null);
  const [state, setState] = createStore<{ fields: DocFields; checklist: ChecklistItem[] }>({ fields: { tags: [] }, checklist: [] });

  const provider = new WebsocketProvider(collabServerUrl(), ticketDocName(ticketId), doc, {
    awareness,
    shouldReconnect: (event) => failures[event.code] === undefined,
  });
  // The stock provider forwards every awareness change, other people's too; our server accepts
  // presence only for the connection's own user and closes (4403) on anything else. Send only ours.
  awareness.off("update", provider._awarenessUpdateHandler);
  const sendOwnPresence = ({ added, updated, removed }: Record<"added" | "updated" | "removed", number[]>, origin: unknown) => {
    if ([...added, ...updated, ...removed].includes(doc.clientID)) {
      provider._awarenessUpdateHandler({ added: [], updated: [doc.clientID], removed: [] }, origin);
    }
  };
  awareness.on("update", sendOwnPresence);

  provider.on("status", ({ status: next }) => {
    if (next === "connected") setStatus("connected");
    else if (next === "disconnected") setStatus("offline");
    // Retries after a lost connection stay "offline" until one succeeds.
    else setStatus((current) => (current === "offline" ? "offline" : "connecting"));
  });
  provider.on("connection-close", (event) => {
    if (!provider.wsconnected) setStatus("offline");
    const reason = event ? failures[event.code] : undefined;
    if (!reason) return;
    setFailure(reason);
    if (reason === "unauthenticated") options.onSessionEnded?.();
  });
  provider.on("sync", (isSynced) => {
    setSynced(isSynced);
    if (isSynced) setLoaded(true);
  });

  // Browsers learn that the network is gone long before a silent socket times out. Drop the socket
  // then (as socket.io does), so the page says "offline" at once, and retry as soon as it is back.
  const onOffline = () => {
    if (!provider.shouldConnect) return;
    provider.disconnect();
    provider.connect();
  };
  const onOnline = () => {
    if (provider.shouldConnect) provider.connect();
  };
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);

  const readFields = () => {
    const map = ticketDoc.fields(doc);
    const valid: Record<string, unknown> = {};
    for (const name of Object.keys(ProjectedFieldsSchema.shape) as FieldName[]) {
      const parsed = ProjectedFieldsSchema.shape[name].safeParse(map.get(name));
      if (parsed.success) valid[name] = parsed.data;
    }
    setState("fields", reconcile({ ...(valid as Partial<ProjectedFields>), tags: ticketDoc.tags(doc)?.toArray() ?? [] }));
  };
  const readItems = () => setState("checklist", reconcile(readChecklist(doc), { key: "id" }));
  const readPeers = () => {
    const others: Peer[] = [];
    for (const [clientId, raw] of awareness.getStates()) {
      const parsed = TicketAwarenessSchema.safeParse(raw);
      if (clientId === doc.clientID || !parsed.success || parsed.data.user.id === user.id) continue;
      others.push({ clientId, user: parsed.data.user, focus: parsed.data.focus ?? null });
    }
    setPeers(others);
  };
  ticketDoc.fields(doc).observeDeep(readFields);
  ticketDoc.checklist(doc).observeDeep(readItems);
  awareness.on("change", readPeers);

  return {
    doc,
    provider,
    user,
    status,
    synced,
    loaded,
    failure,
    get fields() {
      return state.fields;
    },
    get checklist() {
      return state.checklist;
    },
    peers,
    focus,
    setFocus(next) {
      if (next === focus()) return;
      setFocusSignal(next);
      awareness.setLocalStateField("focus", next);
    },
    setField(name, value) {
      const fields = ticketDoc.fields(doc);
      if (fields.get(name) !== value) doc.transact(() => fields.set(name, value), LOCAL);
    },
    checklistEdits: {
      add: (text) => addItem(doc, text, LOCAL),
      toggle: (id, done) => setDone(doc, id, done, user.id, LOCAL),
      edit: (id, text) => setText(doc, id, text, LOCAL),
      remove: (id) => removeItem(doc, id, LOCAL),
      move: (id, offset) => moveItem(doc, id, offset, LOCAL),
    },
    destroy() {
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      awareness.off("update", sendOwnPresence);
      awareness.off("change", readPeers);
      provider.destroy();
      awareness.destroy();
      doc.destroy();
    },
  };
}
