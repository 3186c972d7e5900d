// The documents open on this node: loading (without missing relayed updates), REST patches applied
// to the document, background compaction, and unloading idle documents.
import { initialiseTicketDoc, readProjectedFields, ticketDoc, ticketDocName, type PatchTicketBody } from "@caseroom/shared";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { TicketChangeListener, TicketStore } from "../tickets/index.ts";
import { docStore } from "./docStore.ts";
import { groupCommitWriter } from "./groupCommit.ts";
import { ticketProjector } from "./projection.ts";
import type { CollabRelay, RelayMessage } from "./relay.ts";
import { defaultCollabLimits, TicketDocRoom, type CollabLimits } from "./room.ts";

export interface CollabOptions {
  db: Db;
  tickets: TicketStore;
  relay: CollabRelay;
  log: Logger;
  onTicketChange: TicketChangeListener;
  limits?: Partial<CollabLimits>;
  /** A document with no connection and no activity for this long is unloaded. */
  idleUnloadMs?: number;
  /** Compact a document's stored updates into its snapshot after this many new ones. */
  compactEvery?: number;
}

interface OpenRoom {
  room: TicketDocRoom;
  unsubscribe: () => Promise<void>;
  writtenSinceCompaction: number;
  compacting: boolean;
}

export function createCollab(options: CollabOptions) {
  const limits = { ...defaultCollabLimits, ...options.limits };
  const idleUnloadMs = options.idleUnloadMs ?? 30_000;
  const compactEvery = options.compactEvery ?? 500;
  const store = docStore(options.db);
  const writer = groupCommitWriter(store);
  const project = ticketProjector(options.tickets, options.onTicketChange);
  const rooms = new Map<string, Promise<OpenRoom>>();

  async function load(orgId: string, ticketId: string): Promise<OpenRoom> {
    const docName = ticketDocName(ticketId);
    const log = options.log.child({ docName });
    const countingWriter: typeof writer = {
      ...writer,
      write: async (update) => {
        await writer.write(update);
        afterWrite(ticketId);
      },
    };
    const room = new TicketDocRoom({ docName, ticketId, orgId, writer: countingWriter, relay: options.relay, project, limits, log });
    // Subscribe before reading the database, buffering what arrives: an update stored by another
    // node while we read is then applied too (applying one twice is harmless in Yjs).
    const early: RelayMessage[] = [];
    let deliver: (message: RelayMessage) => void = (message) => void early.push(message);
    const unsubscribe = await options.relay.subscribe(docName, (message) => deliver(message));
    try {
      const stored = await store.load(ticketId);
      room.load(stored.updates, stored.bytes);
      if (ticketDoc.fields(room.doc).get("title") === undefined) {
        const ticket = await options.tickets.get(orgId, ticketId);
        if (ticket) room.correct((doc) => initialiseTicketDoc(doc, ticket));
      }
      for (const message of early) room.applyRemote(message);
      deliver = (message) => room.applyRemote(message);
      return { room, unsubscribe, writtenSinceCompaction: stored.pending, compacting: false };
    } catch (err) {
      await unsubscribe();
      room.destroy();
      throw err;
    }
  }

  function afterWrite(ticketId: string) {
    void rooms.get(ticketDocName(ticketId))?.then((open) => {
      open.writtenSinceCompaction += 1;
      if (open.writtenSinceCompaction >= compactEvery && !open.compacting) void compact(open);
    });
  }

  async function compact(open: OpenRoom) {
    open.compacting = true;
    open.writtenSinceCompaction = 0;
    try {
      await store.compact(open.room.ticketId);
    } catch (err) {
      options.log.warn({ err, ticketId: open.room.ticketId }, "compaction failed");
    } finally {
      open.compacting = false;
    }
  }

  /** The open room of a ticket, loading it if needed. The caller has checked the ticket is in orgId. */
  async function open(orgId: string, ticketId: string): Promise<TicketDocRoom> {
    const docName = ticketDocName(ticketId);
    let entry = rooms.get(docName);
    if (!entry) {
      entry = load(orgId, ticketId);
      rooms.set(docName, entry);
      entry.catch(() => rooms.delete(docName));
    }
    return (await entry).room;
  }

  async function unload(docName: string, entry: Promise<OpenRoom>) {
    rooms.delete(docName);
    const openRoom = await entry;
    await openRoom.room.settled();
    await openRoom.unsubscribe();
    if (openRoom.writtenSinceCompaction > 0) await compact(openRoom);
    openRoom.room.destroy();
  }

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [docName, entry] of rooms) {
      void entry.then((openRoom) => {
        if (rooms.get(docName) !== entry) return;
        if (openRoom.room.connectionCount === 0 && now - openRoom.room.lastActivity >= idleUnloadMs) {
          void unload(docName, entry).catch((err) => options.log.warn({ err, docName }, "unloading a document failed"));
        }
      }, () => {});
    }
  }, Math.max(50, Math.min(idleUnloadMs, 10_000)));
  sweeper.unref();

  return {
    open,
    limits,
    /** Applies a REST patch to the document; the projection then writes the row and its events. */
    async patchTicket(orgId: string, actorId: string, ticketId: string, patch: PatchTicketBody): Promise<void> {
      const room = await open(orgId, ticketId);
      const current = readProjectedFields(room.doc);
      const changed = Object.entries(patch).filter(([key, value]) => value !== undefined && current[key as keyof typeof current] !== value);
      if (changed.length === 0) return;
      await room.change(actorId, (doc) => {
        for (const [key, value] of changed) ticketDoc.fields(doc).set(key, value);
      });
    },
    /** Number of documents loaded on this node. */
    get loadedCount() {
      return rooms.size;
    },
    stats: writer.stats,
    async close() {
      clearInterval(sweeper);
      for (const [docName, entry] of [...rooms]) {
        await entry.then((openRoom) => openRoom.room.closeAll(1001, "server shutting down"), () => {});
        await unload(docName, entry).catch(() => {});
      }
      await writer.idle();
    },
  };
}
export type Collab = ReturnType<typeof createCollab>;
