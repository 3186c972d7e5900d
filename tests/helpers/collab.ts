// Stock y-websocket providers in Node (with `ws`), authenticated by a collab token or a cookie.
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { ApiClient } from "./server.ts";
import { waitFor } from "./server.ts";

export interface NodeClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close events seen by the provider's sockets, newest last. */
  closes: { code: number; reason: string }[];
  destroy(): void;
}

export interface ConnectOptions {
  /** Where to connect; a function lets a reconnect go to another server. */
  baseUrl: string | (() => string);
  ticketId: string;
  token?: string;
  cookie?: string;
  doc?: Y.Doc;
}

export function connectProvider(options: ConnectOptions): NodeClient {
  const doc = options.doc ?? new Y.Doc();
  const closes: NodeClient["closes"] = [];
  const target = () => (typeof options.baseUrl === "function" ? options.baseUrl() : options.baseUrl).replace(/^http/, "ws");
  // The provider builds the URL from its first argument; this socket swaps in the current server
  // (for failover tests) and adds the cookie, which browsers send by themselves.
  class NodeSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      const path = new URL(url).pathname + new URL(url).search;
      super(`${target()}${path.replace(/^\/collab-placeholder/, "/collab")}`, protocols, options.cookie ? { headers: { cookie: options.cookie } } : {});
      this.on("close", (code, reason) => closes.push({ code, reason: reason.toString() }));
    }
  }
  const provider = new WebsocketProvider("ws://placeholder/collab-placeholder", `ticket:${options.ticketId}`, doc, {
    WebSocketPolyfill: NodeSocket as unknown as typeof globalThis.WebSocket,
    params: options.token ? { token: options.token } : {},
    maxBackoffTime: 300,
    // Providers in one process would otherwise share updates over BroadcastChannel and converge
    // without the server: every test here must prove the server path.
    disableBc: true,
  });
  return {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function collabToken(client: ApiClient, ticketId: string): Promise<string> {
  const res = await client.post(`/api/tickets/${ticketId}/collab-token`);
  if (res.status !== 200) throw new Error(`collab-token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export const waitSynced = (client: NodeClient, timeoutMs = 5000) =>
  waitFor(() => client.provider.synced, { timeoutMs, what: "provider synced" });

/** Waits until every document has the same full state as the first. */
export async function waitConverged(docs: Y.Doc[], timeoutMs = 10_000): Promise<void> {
  const state = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc)).toString("base64");
  await waitFor(() => docs.every((doc) => state(doc) === state(docs[0]!)), { timeoutMs, what: `${docs.length} documents to converge` });
}
