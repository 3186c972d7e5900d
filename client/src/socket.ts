// One socket.io connection per logged-in session, shared by every page. Created after login,
// closed on logout. Pages subscribe through `useSocketEvent`, which follows the component's life.
import { createEffect, createSignal, onCleanup } from "solid-js";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, OnlineUser, ServerToClientEvents } from "@caseroom/shared";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connecting" | "live" | "offline";

const [socket, setSocket] = createSignal<AppSocket | null>(null);
const [connection, setConnection] = createSignal<ConnectionState>("connecting");
const [onlineUsers, setOnlineUsers] = createSignal<OnlineUser[]>([]);
export { connection, onlineUsers, socket };

const RETRY_AFTER_REFUSAL_MS = 5_000;
let retryTimer: number | undefined;

/**
 * Opens the shared connection (same origin, the session cookie authenticates it).
 * `checkSession` is asked when the server refuses or drops us: it resolves true if the session is
 * still valid (then we try again) and otherwise ends the session itself.
 */
export function connectSocket(checkSession: () => Promise<boolean>): AppSocket {
  const existing = socket();
  if (existing) return existing;
  const s: AppSocket = io({ path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  setConnection("connecting");

  const retryIfStillLoggedIn = () => {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(async () => {
      if (socket() === s && (await checkSession().catch(() => true)) && socket() === s) s.connect();
    }, RETRY_AFTER_REFUSAL_MS);
  };

  s.on("connect", () => setConnection("live"));
  s.on("disconnect", (reason) => {
    setConnection("offline");
    // The server closed us on purpose (logout elsewhere, session ended): socket.io will not retry.
    if (reason === "io server disconnect") retryIfStillLoggedIn();
  });
  s.on("connect_error", () => {
    setConnection("offline");
    // A refusal by the server's auth middleware leaves the socket inactive; transport errors retry.
    if (!s.active) retryIfStillLoggedIn();
  });
  s.on("presence:online", ({ users }) => setOnlineUsers(users));
  setSocket(s);
  return s;
}

export function disconnectSocket(): void {
  window.clearTimeout(retryTimer);
  const s = socket();
  setSocket(null);
  setOnlineUsers([]);
  setConnection("connecting");
  if (s) {
    s.removeAllListeners();
    s.disconnect();
  }
}

/** Listens to a server event while the calling component (or effect) lives, across socket changes. */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
  createEffect(() => {
    const s = socket();
    if (!s) return;
    // socket.io's listener types are not generic-friendly; the map above fixes the payload type.
    const listener = handler as never;
    s.on(event, listener);
    onCleanup(() => s.off(event, listener));
  });
}

/** Runs `onConnect` now if connected and again after every reconnect; `onLeave` when the caller goes away. */
export function useOnConnect(onConnect: (s: AppSocket) => void, onLeave?: (s: AppSocket) => void): void {
  createEffect(() => {
    const s = socket();
    if (!s) return;
    const run = () => onConnect(s);
    if (s.connected) run();
    s.on("connect", run);
    onCleanup(() => {
      s.off("connect", run);
      if (onLeave && s.connected) onLeave(s);
    });
  });
}
