// The customer's chat on the guest page (public messages of the one ticket).
import type { GuestSocket } from "../guest/session.ts";

export interface GuestThreadProps {
  ticketId: string;
  guest: { id: string; name: string };
  socket: GuestSocket;
}

export function GuestThread(_props: GuestThreadProps) {
  return null;
}
