// The customer's side: accepting an invite, who the guest is, and the guest's socket on the "/guest"
// namespace (the only one a guest session may open). Chat and the call panel share this socket.
import { createSignal } from "solid-js";
import { io, type Socket } from "socket.io-client";
import { z } from "zod";
import { GuestMeSchema, GuestSchema, type GuestClientToServerEvents, type GuestEnded, type GuestServerToClientEvents } from "@caseroom/shared";
import { request } from "../api.ts";

export type GuestSocket = Socket<GuestServerToClientEvents, GuestClientToServerEvents>;

const AcceptResponse = z.object({ guest: GuestSchema, expiresAt: z.string() });

export const guestApi = {
  accept: (token: string, name: string) => request("POST", "/api/invites/accept", AcceptResponse, { token, name }),
  me: () => request("GET", "/api/guest/me", GuestMeSchema),
};

const [guestSocket, setGuestSocket] = createSignal<GuestSocket | null>(null);
const [guestEnded, setGuestEnded] = createSignal<GuestEnded["reason"] | null>(null);
export { guestEnded, guestSocket };

/** Opens the guest socket once; socket.io reconnects it (and recovers missed events) by itself. */
export function openGuestSocket(): GuestSocket {
  const existing = guestSocket();
  if (existing) return existing;
  const s: GuestSocket = io("/guest", { path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  s.on("guest:ended", ({ reason }) => setGuestEnded(reason));
  s.on("connect_error", () => {
    // Refused by the server (link revoked or expired): socket.io will not retry; the page says so.
    if (!s.active) setGuestEnded((current) => current ?? "expired");
  });
  setGuestSocket(s);
  return s;
}

export function closeGuestSocket(): void {
  const s = guestSocket();
  setGuestSocket(null);
  s?.removeAllListeners();
  s?.disconnect();
}
