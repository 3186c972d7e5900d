// The chat in the staff ticket page: the thread (internal notes included), the composer, and the
// button that invites the customer into it.
import { Show } from "solid-js";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { socket } from "../socket.ts";
import { createChat, type ChatSocketLike } from "./chatStore.ts";
import { Composer } from "./Composer.tsx";
import { InviteCustomer } from "./InviteCustomer.tsx";
import { Thread } from "./Thread.tsx";

export function TicketChat(props: { ticketId: string }) {
  return (
    <section class="card ticket-chat" aria-labelledby="ticket-chat-heading" data-testid="ticket-chat">
      <header class="ticket-chat-head">
        <h2 id="ticket-chat-heading">{t("chat.heading")}</h2>
        <InviteCustomer ticketId={props.ticketId} />
      </header>
      <Show when={socket() && me()} keyed>
        {(user) => <StaffChat ticketId={props.ticketId} socket={socket()! as unknown as ChatSocketLike} userId={user.user.id} />}
      </Show>
    </section>
  );
}

function StaffChat(props: { ticketId: string; socket: ChatSocketLike; userId: string }) {
  const chat = createChat({ ticketId: props.ticketId, socket: props.socket, me: { kind: "staff", id: props.userId }, join: true });
  return (
    <>
      <Thread chat={chat} />
      <Composer chat={chat} ticketId={props.ticketId} allowInternal />
    </>
  );
}
