// The customer's chat on the guest page: public messages of the one ticket, and a composer
// without internal notes.
import { createChat, type ChatSocketLike } from "./chatStore.ts";
import { Composer } from "./Composer.tsx";
import type { GuestSocket } from "../guest/session.ts";
import { Thread } from "./Thread.tsx";

export interface GuestThreadProps {
  ticketId: string;
  guest: { id: string; name: string };
  socket: GuestSocket;
}

export function GuestThread(props: GuestThreadProps) {
  const chat = createChat({ ticketId: props.ticketId, socket: props.socket as unknown as ChatSocketLike, me: { kind: "guest", id: props.guest.id } });
  return (
    <div class="guest-thread" data-testid="guest-chat">
      <Thread chat={chat} />
      <Composer chat={chat} ticketId={props.ticketId} allowInternal={false} />
    </div>
  );
}
