// The load: stock y-websocket providers in this process (with `ws`), the same code for every server.
// Latency is measured on one clock: a sender stamps performance.now() into the document and each
// receiver, in this process, subtracts it from its own performance.now() when the change arrives.
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { RoomAddress } from "./servers.ts";

export interface BenchClient {
  key: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/** Closes that the bench did not ask for (a server limit, a crash): reported next to the figures. */
export const unexpectedCloses: { code: number; reason: string }[] = [];
let closing = false;

function connect(address: RoomAddress, key: string): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(address.serverUrl, address.room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: address.params,
    // Providers in one process would otherwise exchange updates over BroadcastChannel and never
    // need the server at all.
    disableBc: true,
    maxBackoffTime: 1000,
  });
  provider.on("connection-close", (event: CloseEvent | null) => {
    // No event: the provider's own watchdog closed a socket that received nothing for 30 s.
    if (!closing) unexpectedCloses.push(event ? { code: event.code, reason: event.reason } : { code: 0, reason: "no message from the server for 30 s (provider watchdog)" });
  });
  return { key, doc, provider };
}

/**
 * Opens one provider per address (an address repeated = clients sharing a document) and waits for
 * each to be synced, `concurrency` at a time so that connection setup is not itself a load test.
 */
export async function connectAll(addresses: RoomAddress[], { concurrency = 50, timeoutMs = 30_000 } = {}): Promise<BenchClient[]> {
  closing = false;
  const clients: BenchClient[] = [];
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const i = next++;
      const client = connect(addresses[i]!, `c${i}`);
      clients[i] = client;
      await new Promise<void>((resolve, reject) => {
        if (client.provider.synced) return resolve();
        const timer = setTimeout(() => reject(new Error(`client ${i} of ${addresses[i]!.room} not synced within ${timeoutMs} ms`)), timeoutMs);
        client.provider.once("sync", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, addresses.length) }, worker));
  } catch (err) {
    disconnectAll(clients.filter(Boolean));
    throw err;
  }
  return clients;
}

export function disconnectAll(clients: BenchClient[]): void {
  closing = true;
  for (const client of clients) {
    client.provider.destroy();
    client.doc.destroy();
  }
}

export interface LatencyResult {
  /** Milliseconds from a set on one client to its arrival on another, for sets made in the window. */
  samples: number[];
  sent: number;
  expected: number;
  windowMs: number;
}

/**
 * Every client sets its own key of the map "bench" to {t, seq} at `ratePerClient` per second, with
 * random phases. Sets made during the measurement window (after the warm-up) are counted; after the
 * window the senders stop and receipts are awaited for at most `drainMs`.
 */
export async function latencyPhase(
  groups: BenchClient[][],
  { ratePerClient, warmupMs, measureMs, drainMs }: { ratePerClient: number; warmupMs: number; measureMs: number; drainMs: number },
): Promise<LatencyResult> {
  const samples: number[] = [];
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + measureMs;
  let sent = 0;
  let expected = 0;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const detach: (() => void)[] = [];
  for (const group of groups) {
    for (const client of group) {
      const map = client.doc.getMap<{ t: number; seq: number }>("bench");
      const observer = (event: Y.YMapEvent<{ t: number; seq: number }>) => {
        if (event.transaction.local) return;
        const now = performance.now();
        for (const key of event.keysChanged) {
          const value = map.get(key);
          if (value && value.t >= windowStart && value.t < windowEnd) samples.push(now - value.t);
        }
      };
      map.observe(observer);
      detach.push(() => map.unobserve(observer));
      let seq = 0;
      const send = () => {
        const t = performance.now();
        if (t >= windowEnd) return;
        map.set(client.key, { t, seq: ++seq });
        if (t >= windowStart) {
          sent += 1;
          expected += group.length - 1;
        }
      };
      const periodMs = 1000 / ratePerClient;
      timers.push(setTimeout(() => void (stopped || timers.push(setInterval(send, periodMs))), Math.random() * periodMs));
    }
  }
  await sleep(warmupMs + measureMs);
  stopped = true;
  for (const timer of timers) clearTimeout(timer);
  const drainUntil = performance.now() + drainMs;
  while (samples.length < expected && performance.now() < drainUntil) await sleep(20);
  for (const off of detach) off();
  return { samples, sent, expected, windowMs: measureMs };
}

export interface ThroughputResult {
  updates: number;
  deliveries: number;
  ms: number;
  /** Documents (client copies) that had every update before the deadline, of all. */
  complete: number;
  total: number;
}

/**
 * Every client appends `perClient` characters to its own text, one transaction (one update message)
 * each, all clients back to back. Done when every client's document holds every character.
 */
export async function throughputPhase(groups: BenchClient[][], perClient: number, timeoutMs: number): Promise<ThroughputResult> {
  let complete = 0;
  let finishedAt = 0;
  let total = 0;
  const detach: (() => void)[] = [];
  let onAllDone: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (onAllDone = resolve));
  for (const group of groups) {
    const target = group.length * perClient;
    for (const client of group) {
      total += 1;
      // Define every text first: updates to a root type nobody has asked for yet land in a plain
      // AbstractType, not a Y.Text, and would not be counted.
      for (const other of group) client.doc.getText(`typing-${other.key}`);
      // Each client types only into its own text, so lengths only grow and the sum is the count.
      const lengths = new Map<Y.Text, number>();
      let have = 0;
      const onTransaction = (transaction: Y.Transaction) => {
        for (const type of transaction.changed.keys()) {
          if (!(type instanceof Y.Text)) continue;
          have += type.length - (lengths.get(type) ?? 0);
          lengths.set(type, type.length);
        }
        if (have === target) {
          client.doc.off("afterTransaction", onTransaction);
          complete += 1;
          finishedAt = performance.now();
          if (complete === total) onAllDone();
        }
      };
      client.doc.on("afterTransaction", onTransaction);
      detach.push(() => client.doc.off("afterTransaction", onTransaction));
    }
  }
  const start = performance.now();
  for (let m = 0; m < perClient; m++) {
    for (const group of groups) {
      for (const client of group) {
        const text = client.doc.getText(`typing-${client.key}`);
        text.insert(text.length, "x");
      }
    }
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  for (const off of detach) off();
  const updates = groups.reduce((n, group) => n + group.length * perClient, 0);
  const deliveries = groups.reduce((n, group) => n + group.length * perClient * (group.length - 1), 0);
  return { updates, deliveries, ms: (complete === total ? finishedAt : performance.now()) - start, complete, total };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
