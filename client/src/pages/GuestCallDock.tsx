// The place on the customer's page where the call panel docks. The calls work owns what goes in
// here; until it arrives, nothing is shown. It receives the guest's ticket and the guest socket.
import type { GuestSocket } from "../guest/session.ts";

export interface GuestCallDockProps {
  ticketId: string;
  guest: { id: string; name: string };
  socket: GuestSocket;
}

export function GuestCallDock(_props: GuestCallDockProps) {
  return null;
}
