// The y-websocket wire protocol, so the stock WebsocketProvider connects unchanged:
// a varUint message type, then for sync a varUint sub-type and a varUint8Array payload.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** A client message, fully decoded and checked before anything touches the document. */
export type ClientMessage =
  | { kind: "syncStep1"; stateVector: Uint8Array }
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array; states: AwarenessEntry[] }
  | { kind: "queryAwareness" }
  | { kind: "auth" };

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** Decodes one message; throws ProtocolError for unknown types, truncation, trailing bytes or bad updates. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  try {
    const message = readMessage(decoder);
    if (decoding.hasContent(decoder)) throw new ProtocolError("trailing bytes after the message");
    return message;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(`malformed message: ${(err as Error).message}`);
  }
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.sync: {
      const sub = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (sub === SyncType.step1) {
        Y.decodeStateVector(payload);
        return { kind: "syncStep1", stateVector: payload };
      }
      if (sub === SyncType.step2 || sub === SyncType.update) {
        // Parsing the whole update proves it is well formed before it is stored: a stored
        // malformed update would break the document for everyone on every load.
        Y.decodeUpdate(payload);
        return { kind: "update", update: payload };
      }
      throw new ProtocolError(`unknown sync message ${sub}`);
    }
    case MessageType.awareness: {
      const update = decoding.readVarUint8Array(decoder);
      return { kind: "awareness", update, states: readAwarenessEntries(update) };
    }
    case MessageType.queryAwareness:
      return { kind: "queryAwareness" };
    case MessageType.auth:
      return { kind: "auth" };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError("trailing bytes in awareness update");
  return entries;
}

/** Re-encodes chosen awareness entries (the server forwards only those a connection may speak for). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  return encode((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(e, entry.clientId);
      encoding.writeVarUint(e, entry.clock);
      encoding.writeVarString(e, JSON.stringify(entry.state));
    }
  });
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step1);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  });
}

export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step2);
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
  });
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.update);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return encode((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });
}

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}
