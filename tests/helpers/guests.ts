// Guests for tests: an invite made by a technician, accepted by a fresh cookie jar, and a socket.io
// client on the guest namespace.
import type { GuestClientToServerEvents, GuestServerToClientEvents } from "@caseroom/shared";
import type { Socket } from "socket.io-client";
import { connectSocket } from "./sockets.ts";
import { ApiClient } from "./server.ts";

export type GuestSocket = Socket<GuestServerToClientEvents, GuestClientToServerEvents>;

export interface TestGuest {
  client: ApiClient;
  guest: { id: string; name: string; ticketId: string };
  invite: { id: string; url: string; expiresAt: string };
  token: string;
}

export async function createInvite(staff: ApiClient, ticketId: string, body: Record<string, unknown> = {}) {
  const res = await staff.post(`/api/tickets/${ticketId}/invites`, body);
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  const invite = res.body.invite as TestGuest["invite"];
  return { invite, token: invite.url.split("/join/")[1]! };
}

/** A technician invites, and a new client (no cookie) accepts as `name`. */
export async function inviteGuest(staff: ApiClient, ticketId: string, name = "Customer"): Promise<TestGuest> {
  const { invite, token } = await createInvite(staff, ticketId);
  const client = new ApiClient(staff.baseUrl);
  const res = await client.post("/api/invites/accept", { token, name });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, guest: res.body.guest, invite, token };
}

/** A socket on the guest namespace; the same handshake as a staff socket (tests/helpers/sockets.ts). */
export function connectGuestSocket(url: string, cookie: string | undefined, options: { listen?: (s: GuestSocket) => void } = {}): Promise<GuestSocket> {
  return connectSocket(`${url}/guest`, cookie, options as never) as unknown as Promise<GuestSocket>;
}

/** Everything sent to this guest socket before the answer has arrived once this resolves. */
export async function guestRoundTrip(socket: GuestSocket): Promise<void> {
  const ack = await socket.timeout(5000).emitWithAck("guest:whoami");
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
}
