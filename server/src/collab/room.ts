// One open ticket document on this node: the Y.Doc, awareness, the local connections, and the rule
// that every update is durable before anyone else sees it. Knows no transport: connections are
// anything with send/close.
import { collabCloseCodes, projectedFieldNames, ticketDoc } from "@caseroom/shared";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Logger } from "../log.ts";
import type { GroupCommitWriter } from "./groupCommit.ts";
import {
  decodeClientMessage,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
  readAwarenessEntries,
  type AwarenessEntry,
} from "./protocol.ts";
import type { CollabRelay } from "./relay.ts";

export interface CollabConnection {
  readonly id: string;
  readonly userId: string;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface CollabLimits {
  /** Largest single message accepted (bytes). */
  maxMessageBytes: number;
  /** Largest document, measured as stored bytes (snapshot plus updates since). */
  maxDocBytes: number;
  /** Sustained messages per second per connection, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
}

export const defaultCollabLimits: CollabLimits = {
  maxMessageBytes: 1024 * 1024,
  maxDocBytes: 16 * 1024 * 1024,
  messagesPerSecond: 300,
  messageBurst: 3000,
};

/** Who caused a document change, which decides what happens to it. */
type Origin =
  | { kind: "load" }
  | { kind: "client"; connection: CollabConnection; actorId: string }
  | { kind: "server"; actorId: string | null }
  | { kind: "remote"; actorId: string | null };

type ProjectedField = (typeof projectedFieldNames)[number];
export type ProjectedValues = Partial<Record<ProjectedField, unknown>>;
/**
 * Writes changed projected fields to the tickets row (and its events); returns when done. It gets
 * the values as they were right after the change, not as they are when it runs: a later change
 * must not be written under an earlier change's author.
 */
export type ProjectFields = (values: ProjectedValues, actorId: string | null, room: TicketDocRoom) => Promise<void>;

interface ConnectionState {
  clientIds: Set<number>;
  tokens: number;
  refilledAt: number;
}

export interface RoomDeps {
  docName: string;
  ticketId: string;
  orgId: string;
  writer: GroupCommitWriter;
  relay: CollabRelay;
  project: ProjectFields;
  limits: CollabLimits;
  log: Logger;
}

export class TicketDocRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly connections = new Map<CollabConnection, ConnectionState>();
  /** Which connection (or another node) speaks for each awareness client id, and as which user. */
  private readonly awarenessOwners = new Map<number, { connection: CollabConnection | "remote"; userId: string | null }>();
  private storedBytes = 0;
  private pendingFields: { values: ProjectedValues; actorId: string | null } | undefined;
  /** Projections run one at a time, each after the update that caused it is durable. */
  private projecting: Promise<void> = Promise.resolve();
  private lastPersist: Promise<void> = Promise.resolve();
  lastActivity = Date.now();

  constructor(private readonly deps: RoomDeps) {
    this.awareness.setLocalState(null);
    ticketDoc.fields(this.doc).observe((event) => {
      const origin = event.transaction.origin as Origin | null;
      if (!origin || origin.kind === "load") return;
      const changed = projectedFieldNames.filter((name) => event.keysChanged.has(name));
      if (changed.length === 0) return;
      this.pendingFields ??= { values: {}, actorId: origin.actorId };
      for (const name of changed) this.pendingFields.values[name] = event.target.get(name);
      this.pendingFields.actorId = origin.actorId;
    });
    this.doc.on("update", (update: Uint8Array, origin: Origin | null) => this.onDocUpdate(update, origin));
    this.awareness.on("update", ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      const changed = [...added!, ...updated!, ...removed!];
      const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      for (const connection of this.connections.keys()) if (connection !== origin) connection.send(message);
      if (origin !== "remote") {
        void this.deps.relay
          .publish(this.deps.docName, { kind: "awareness", update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) })
          .catch((err) => this.deps.log.warn({ err: String(err) }, "awareness relay failed"));
      }
    });
  }

  get ticketId() {
    return this.deps.ticketId;
  }
  get orgId() {
    return this.deps.orgId;
  }
  get connectionCount() {
    return this.connections.size;
  }

  /** Applies stored updates (snapshot and the rest) without relaying or projecting them. */
  load(updates: readonly Uint8Array[], bytes: number): void {
    for (const update of updates) {
      try {
        Y.applyUpdate(this.doc, update, { kind: "load" } satisfies Origin);
      } catch (err) {
        // Updates are checked before they are stored, so this should never happen; if it does,
        // one bad row must not lock everyone out of the ticket.
        this.deps.log.error({ err, docName: this.deps.docName }, "skipped an unreadable stored update");
      }
    }
    this.storedBytes = bytes;
  }

  /** An update or awareness change from another node. */
  applyRemote(message: { kind: "update"; update: Uint8Array; actorId: string | null } | { kind: "awareness"; update: Uint8Array }): void {
    if (message.kind === "update") Y.applyUpdate(this.doc, message.update, { kind: "remote", actorId: message.actorId } satisfies Origin);
    else {
      for (const entry of readAwarenessEntries(message.update)) {
        const local = this.awarenessOwners.get(entry.clientId);
        if (local && local.connection !== "remote" && this.connections.has(local.connection)) continue;
        const user = (entry.state as { user?: { id?: unknown } } | null)?.user;
        this.awarenessOwners.set(entry.clientId, { connection: "remote", userId: typeof user?.id === "string" ? user.id : (local?.userId ?? null) });
      }
      awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, "remote");
    }
  }

  addConnection(connection: CollabConnection): void {
    this.connections.set(connection, { clientIds: new Set(), tokens: this.deps.limits.messageBurst, refilledAt: Date.now() });
    this.lastActivity = Date.now();
    connection.send(encodeSyncStep1(this.doc));
    connection.send(encodeSyncStep2(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) connection.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
  }

  removeConnection(connection: CollabConnection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    this.connections.delete(connection);
    this.lastActivity = Date.now();
    awarenessProtocol.removeAwarenessStates(this.awareness, [...state.clientIds], null);
  }

  /** Handles one message from a connection; closes that connection (only) on bad input or abuse. */
  async receive(connection: CollabConnection, data: Uint8Array): Promise<void> {
    const state = this.connections.get(connection);
    if (!state) return;
    this.lastActivity = Date.now();
    if (data.byteLength > this.deps.limits.maxMessageBytes) return this.refuse(connection, collabCloseCodes.tooLarge, "message too large");
    if (!this.takeToken(state)) return this.refuse(connection, collabCloseCodes.rateLimited, "too many messages");
    let message;
    try {
      message = decodeClientMessage(data);
    } catch (err) {
      if (err instanceof ProtocolError) return this.refuse(connection, collabCloseCodes.badRequest, "malformed message");
      throw err;
    }
    switch (message.kind) {
      case "syncStep1":
        return connection.send(encodeSyncStep2(this.doc, message.stateVector));
      case "update":
        return this.receiveUpdate(connection, message.update);
      case "awareness": {
        const own = this.ownAwarenessEntries(connection, state, message.states);
        if (own === "impersonation") return this.refuse(connection, collabCloseCodes.forbidden, "presence for another user");
        if (own.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(own), connection);
        return;
      }
      case "queryAwareness":
        return connection.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
      case "auth":
        return;
      default: {
        const exhaustive: never = message;
        return exhaustive;
      }
    }
  }

  /** A change made on the server (a REST patch, a correction): applied, stored, then relayed. */
  async change(actorId: string | null, edit: (doc: Y.Doc) => void): Promise<void> {
    this.lastActivity = Date.now();
    this.doc.transact(() => edit(this.doc), { kind: "server", actorId } satisfies Origin);
    await this.lastPersist;
    await this.projecting;
  }

  /** A correction made while projecting: applied and stored, without waiting for the projection queue. */
  correct(edit: (doc: Y.Doc) => void): void {
    this.doc.transact(() => edit(this.doc), { kind: "server", actorId: null } satisfies Origin);
  }

  /** Resolves when every update applied so far is stored and projected. */
  async settled(): Promise<void> {
    await this.lastPersist;
    await this.projecting;
  }

  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections.keys()]) connection.close(code, reason);
    this.connections.clear();
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }

  private async receiveUpdate(connection: CollabConnection, update: Uint8Array): Promise<void> {
    if (this.storedBytes + update.byteLength > this.deps.limits.maxDocBytes) {
      return this.refuse(connection, collabCloseCodes.tooLarge, "document too large");
    }
    // Durable first: nobody is sent an update that a crash could still lose.
    try {
      await this.deps.writer.write({ ticketId: this.deps.ticketId, orgId: this.deps.orgId, update });
    } catch (err) {
      this.deps.log.error({ err }, "storing a document update failed");
      return this.refuse(connection, collabCloseCodes.unavailable, "storage unavailable");
    }
    this.storedBytes += update.byteLength;
    Y.applyUpdate(this.doc, update, { kind: "client", connection, actorId: connection.userId } satisfies Origin);
  }

  private onDocUpdate(update: Uint8Array, origin: Origin | null): void {
    if (!origin || origin.kind === "load") return;
    const message = encodeUpdate(update);
    const relay = () =>
      this.deps.relay
        .publish(this.deps.docName, { kind: "update", update, actorId: origin.actorId })
        .catch((err) => this.deps.log.warn({ err: String(err) }, "update relay failed"));
    let durable: Promise<void> = Promise.resolve();
    if (origin.kind === "client") {
      for (const connection of this.connections.keys()) if (connection !== origin.connection) connection.send(message);
      void relay();
    } else if (origin.kind === "remote") {
      for (const connection of this.connections.keys()) connection.send(message);
    } else {
      durable = this.deps.writer.write({ ticketId: this.deps.ticketId, orgId: this.deps.orgId, update }).then(() => {
        this.storedBytes += update.byteLength;
        for (const connection of this.connections.keys()) connection.send(message);
        void relay();
      });
      this.lastPersist = durable.catch((err) => this.deps.log.error({ err }, "storing a server change failed"));
    }
    const pending = this.pendingFields;
    this.pendingFields = undefined;
    if (pending) {
      this.projecting = this.projecting
        .then(() => durable)
        .then(() => this.deps.project(pending.values, pending.actorId, this))
        .catch((err) => this.deps.log.error({ err }, "projecting ticket fields failed"));
    }
  }

  /**
   * The entries of an awareness message that this connection may speak for. The stock provider
   * echoes everyone's presence back, so entries for client ids that belong to another connection
   * (or another node) are dropped as echoes. A new client id that claims another user's identity is
   * impersonation. A state without a user (the stock provider starts with `{}`) claims no one.
   */
  private ownAwarenessEntries(connection: CollabConnection, state: ConnectionState, entries: readonly AwarenessEntry[]): AwarenessEntry[] | "impersonation" {
    const own: AwarenessEntry[] = [];
    for (const entry of entries) {
      const user = (entry.state as { user?: { id?: unknown } } | null)?.user;
      const claimsOther = user !== undefined && user?.id !== connection.userId;
      const owner = this.awarenessOwners.get(entry.clientId);
      if (owner && owner.connection !== connection) {
        // Someone else's presence, echoed. The same user may take back a client id after a
        // reconnect or a failover (providers keep their id); anyone else's copy is ignored.
        const ownerGone = owner.connection === "remote" || !this.connections.has(owner.connection);
        if (!(ownerGone && owner.userId === connection.userId && !claimsOther)) continue;
      } else if (claimsOther) {
        return "impersonation";
      }
      this.awarenessOwners.set(entry.clientId, { connection, userId: connection.userId });
      state.clientIds.add(entry.clientId);
      // The owner speaks with authority for its client id. After a reconnect its clock is behind
      // the one we bumped when its previous connection went away: move it forward, or the state
      // would be ignored until the provider's next renewal (15 s later).
      const current = this.awareness.meta.get(entry.clientId)?.clock ?? -1;
      own.push(entry.clock > current ? entry : { ...entry, clock: current + 1 });
    }
    return own;
  }

  private takeToken(state: ConnectionState): boolean {
    const now = Date.now();
    const { messagesPerSecond, messageBurst } = this.deps.limits;
    state.tokens = Math.min(messageBurst, state.tokens + ((now - state.refilledAt) / 1000) * messagesPerSecond);
    state.refilledAt = now;
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }

  private refuse(connection: CollabConnection, code: number, reason: string): void {
    this.deps.log.info({ code, reason, docName: this.deps.docName }, "collab connection refused");
    this.removeConnection(connection);
    connection.close(code, reason);
  }
}
