// Who is in the ticket and where: the connection badge, everyone's avatars, small marks beside the
// part someone is working on, and a hint when someone works on the same part as me.
import { For, Show, type JSX } from "solid-js";
import type { CollabFailure, Peer, TicketCollab } from "../collab/ticketCollab.ts";
import { formatList, t } from "../i18n/index.ts";
import { Avatar } from "./Avatar.tsx";

type TargetKey = `collab.target.${"notes" | "title" | "status" | "priority" | "assigneeId"}`;
const fieldTargets: Record<string, TargetKey> = {
  notes: "collab.target.notes",
  title: "collab.target.title",
  status: "collab.target.status",
  priority: "collab.target.priority",
  assigneeId: "collab.target.assigneeId",
};

const failureMessages: Record<CollabFailure, `collab.failed.${CollabFailure}`> = {
  unauthenticated: "collab.failed.unauthenticated",
  forbidden: "collab.failed.forbidden",
  notFound: "collab.failed.notFound",
  tooLarge: "collab.failed.tooLarge",
  badRequest: "collab.failed.badRequest",
};

/** What a focus value names, in words: "the notes", "the checklist step “Restart the router”". */
function describeFocus(collab: TicketCollab, focus: string): string {
  const key = fieldTargets[focus];
  if (key) return t(key);
  const item = collab.checklist.find((i) => i.id === focus);
  return item?.text.trim() ? t("collab.target.checklistItem", { text: item.text.trim() }) : t("collab.target.checklistItemUntitled");
}

/** One entry per person: someone with two tabs open is one avatar, at their latest focus. */
function distinctPeople(peers: Peer[]): Peer[] {
  const byUser = new Map<string, Peer>();
  for (const peer of peers) if (!byUser.has(peer.user.id) || peer.focus) byUser.set(peer.user.id, peer);
  return [...byUser.values()];
}

export function CollabStatus(props: { collab: TicketCollab }) {
  const state = () => (props.collab.failure() ? "offline" : props.collab.status());
  const text = () => {
    const failure = props.collab.failure();
    if (failure) return t("collab.status.stopped");
    if (state() === "connected") return t("collab.status.connected");
    return state() === "offline" ? t("collab.status.offline") : t("collab.status.connecting");
  };
  return (
    <span class={`collab-status collab-status-${state()}`} role="status" data-testid="collab-status" data-state={state()} data-failure={props.collab.failure() ?? undefined}>
      <span class="connection-dot" aria-hidden="true" />
      <span>{text()}</span>
    </span>
  );
}

/** The reason live editing stopped for good, in words, with what to do. */
export function CollabFailureMessage(props: { collab: TicketCollab }) {
  return (
    <Show when={props.collab.failure()}>
      {(failure) => (
        <p class="alert alert-error" role="alert" data-testid="collab-failure">
          {t(failureMessages[failure()])}
        </p>
      )}
    </Show>
  );
}

/** Everyone here, me first; each avatar says who and what they are working on. */
export function PeerAvatars(props: { collab: TicketCollab; labelledBy: string }) {
  const people = () => distinctPeople(props.collab.peers());
  return (
    <ul class="avatar-list collab-peers" aria-labelledby={props.labelledBy} data-testid="collab-peers" data-count={people().length + 1}>
      <li data-user-id={props.collab.user.id}>
        <Avatar user={props.collab.user} label={t("presence.you", { name: props.collab.user.name })} />
      </li>
      <For each={people()}>
        {(peer) => (
          <li data-user-id={peer.user.id} data-focus={peer.focus ?? undefined}>
            <Avatar user={peer.user} label={peer.focus ? t("collab.peerAt", { name: peer.user.name, target: describeFocus(props.collab, peer.focus) }) : peer.user.name} />
          </li>
        )}
      </For>
    </ul>
  );
}

/** Small avatars of the people whose focus is `focus`, shown beside that part of the page. */
export function FocusMarks(props: { collab: TicketCollab; focus: string }) {
  const here = () => distinctPeople(props.collab.peers()).filter((peer) => peer.focus === props.focus);
  return (
    <Show when={here().length > 0}>
      <span class="focus-marks" data-testid="focus-marks">
        <For each={here()}>{(peer) => <Avatar user={peer.user} small label={t("collab.peerHere", { name: peer.user.name })} />}</For>
      </span>
    </Show>
  );
}

/** "Jordan Tech is also editing the notes", while someone else's focus is the same as mine. */
export function CollisionHint(props: { collab: TicketCollab }) {
  const others = () => {
    const mine = props.collab.focus();
    return mine ? distinctPeople(props.collab.peers()).filter((peer) => peer.focus === mine) : [];
  };
  const text = () => {
    const mine = props.collab.focus();
    const names = others().map((peer) => peer.user.name);
    return mine ? t("collab.alsoEditing", { count: names.length, names: formatList(names), target: describeFocus(props.collab, mine) }) : "";
  };
  return (
    <div class="collision-slot" aria-live="polite">
      <Show when={others().length > 0}>
        <p class="collision-hint" data-testid="collision-hint" data-focus={props.collab.focus() ?? undefined}>
          <span class="collision-icon" aria-hidden="true">!</span>
          {text()}
        </p>
      </Show>
    </div>
  );
}

/**
 * Focus-in and focus-out handlers that report `focus` while the focus is anywhere inside the element,
 * and clear it when the focus leaves (unless something else has claimed it meanwhile).
 */
export function trackFocus(collab: TicketCollab, focus: string | ((target: EventTarget | null) => string | null)) {
  const name = (target: EventTarget | null) => (typeof focus === "string" ? focus : focus(target));
  const onFocusIn: JSX.EventHandler<HTMLElement, FocusEvent> = (e) => {
    const next = name(e.target);
    if (next) collab.setFocus(next);
  };
  const onFocusOut: JSX.EventHandler<HTMLElement, FocusEvent> = (e) => {
    if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
    const left = name(e.target);
    if (left && collab.focus() === left) collab.setFocus(null);
  };
  return { onFocusIn, onFocusOut };
}
