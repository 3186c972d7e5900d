// The y-websocket endpoint at /collab/<docName>: a thin adapter from `ws` to the rooms. Access is
// checked before any document content is sent; refusals close with a 44xx code and a reason.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { collabCloseCodes, DocNameSchema, ticketIdOfDoc } from "@caseroom/shared";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { sessionTokenFrom, type SessionStore, type UserStore } from "../auth/index.ts";
import type { Logger } from "../log.ts";
import type { TicketStore } from "../tickets/index.ts";
import type { CollabConnection } from "./room.ts";
import type { Collab } from "./rooms.ts";
import type { CollabTokens } from "./tokens.ts";

export interface CollabEndpointDeps {
  collab: Collab;
  sessions: SessionStore;
  users: UserStore;
  tickets: TicketStore;
  tokens: CollabTokens;
  allowedOrigins: readonly string[];
  log: Logger;
}

const PATH_PREFIX = "/collab/";
// A client that reads nothing while we keep sending would grow our memory without bound.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

type Verdict = { ok: true; userId: string; orgId: string; ticketId: string } | { ok: false; code: number; reason: string };

export function attachCollabEndpoint(httpServer: HttpServer, deps: CollabEndpointDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.collab.limits.maxMessageBytes * 2 });

  async function authorise(req: IncomingMessage, url: URL): Promise<Verdict> {
    const origin = req.headers.origin;
    const own = req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [];
    if (origin && !own.includes(origin) && !deps.allowedOrigins.includes(origin)) return { ok: false, code: collabCloseCodes.forbidden, reason: "cross-site connection" };
    const docName = decodeURIComponent(url.pathname.slice(PATH_PREFIX.length));
    if (!DocNameSchema.safeParse(docName).success) return { ok: false, code: collabCloseCodes.badRequest, reason: "unknown document name" };
    const ticketId = ticketIdOfDoc(docName);
    let userId: string | undefined;
    let orgId: string | undefined;
    const token = url.searchParams.get("token");
    if (token) {
      const claims = deps.tokens.verify(token);
      if (!claims) return { ok: false, code: collabCloseCodes.unauthenticated, reason: "invalid or expired token" };
      if (claims.ticketId !== ticketId) return { ok: false, code: collabCloseCodes.forbidden, reason: "token is for another ticket" };
      const user = await deps.users.findById(claims.userId);
      if (!user || user.orgId !== claims.orgId) return { ok: false, code: collabCloseCodes.unauthenticated, reason: "invalid or expired token" };
      ({ userId, orgId } = claims);
    } else {
      const principal = await deps.sessions.resolve(sessionTokenFrom(req.headers.cookie));
      if (!principal) return { ok: false, code: collabCloseCodes.unauthenticated, reason: "log in first" };
      if (principal.kind !== "user") return { ok: false, code: collabCloseCodes.forbidden, reason: "staff only" };
      ({ userId, orgId } = principal);
    }
    // Another organisation's ticket is "not found", exactly like the HTTP API.
    const ticket = await deps.tickets.get(orgId, ticketId);
    if (!ticket) return { ok: false, code: collabCloseCodes.notFound, reason: "ticket not found" };
    return { ok: true, userId, orgId, ticketId };
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, url: URL) {
    // Messages that arrive while we authorise and load are kept, in order, and handled after.
    const early: RawData[] = [];
    let handle: (data: RawData) => void = (data) => void early.push(data);
    ws.on("message", (data) => handle(data));
    let alive = true;
    ws.on("pong", () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    ws.on("close", () => clearInterval(heartbeat));

    void (async () => {
      const verdict = await authorise(req, url);
      if (!verdict.ok) return ws.close(verdict.code, verdict.reason);
      const room = await deps.collab.open(verdict.orgId, verdict.ticketId);
      if (ws.readyState !== ws.OPEN) return;
      const connection: CollabConnection = {
        id: randomUUID(),
        userId: verdict.userId,
        send(message) {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.close(collabCloseCodes.rateLimited, "client too slow");
          ws.send(message);
        },
        close: (code, reason) => ws.close(code, reason),
      };
      room.addConnection(connection);
      ws.on("close", () => room.removeConnection(connection));
      // One message at a time per connection, in arrival order.
      let queue = Promise.resolve();
      handle = (data) => {
        const bytes = toBytes(data);
        queue = queue.then(() => room.receive(connection, bytes)).catch((err) => {
          deps.log.error({ err }, "collab message failed");
          ws.close(collabCloseCodes.unavailable, "internal error");
        });
      };
      for (const data of early.splice(0)) handle(data);
    })().catch((err) => {
      deps.log.error({ err }, "opening a collab connection failed");
      ws.close(collabCloseCodes.unavailable, "internal error");
    });
  }

  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(PATH_PREFIX)) return; // socket.io's upgrades are its own
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, url));
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, "server shutting down");
        wss.close(() => resolve());
      }),
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
