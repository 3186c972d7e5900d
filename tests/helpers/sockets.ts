// socket.io clients for tests. In Node the session cookie travels as an extra header of the handshake.
import { randomUUID } from "node:crypto";
import type { ClientToServerEvents, ServerToClientEvents } from "@caseroom/shared";
import { io, type Socket } from "socket.io-client";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects over websocket; resolves once connected, rejects with the server's connect_error.
 * `listen` attaches listeners before the handshake: the server may push (presence) in the same
 * packet burst as the connect, before an `await` on this promise has returned.
 */
export function connectSocket(
  url: string,
  cookie?: string,
  { timeoutMs = 5000, listen }: { timeoutMs?: number; listen?: (socket: ClientSocket) => void } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  listen?.(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`socket did not connect within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
  });
}

/** Records every payload of one server event, in arrival order. */
export function record<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/**
 * A round trip to the server on this socket. socket.io keeps order per connection, so anything the
 * server sent this socket before answering has arrived once this resolves: proving an absence needs
 * no fixed sleep.
 */
export async function roundTrip(socket: ClientSocket): Promise<void> {
  await socket.timeout(5000).emitWithAck("ticket:unwatch", { ticketId: randomUUID() });
}
