// Round initials for a colleague. The full name is in the tooltip and, for screen readers, in text.
import { For } from "solid-js";
import type { OnlineUser } from "@caseroom/shared";
import { t } from "../i18n/index.ts";

/** Up to two initials: "Taylor Tech" → "TT", "Анна Смирнова" → "АС". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters.map((w) => Array.from(w ?? "")[0] ?? "").join("").toLocaleUpperCase();
}

// Dark tones, each at least 4.5:1 against white text.
const tones = ["#1d4ed8", "#7c2d12", "#166534", "#6b21a8", "#9f1239", "#115e59", "#854d0e", "#374151"];
function toneFor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return tones[hash % tones.length] ?? "#374151";
}

export function Avatar(props: { user: OnlineUser; isMe?: boolean }) {
  const name = () => (props.isMe ? t("presence.you", { name: props.user.name }) : props.user.name);
  const role = () => t(`role.${props.user.role}`);
  return (
    <span
      class="avatar"
      style={{ "background-color": toneFor(props.user.id) }}
      title={t("presence.user", { name: name(), role: role() })}
    >
      <span aria-hidden="true">{initials(props.user.name)}</span>
      <span class="sr-only">{t("presence.user", { name: name(), role: role() })}</span>
    </span>
  );
}

/** A list of people, e.g. who is online or who is viewing a ticket. */
export function AvatarList(props: { users: OnlineUser[]; myId?: string; labelledBy: string; testId?: string }) {
  return (
    <ul class="avatar-list" aria-labelledby={props.labelledBy} data-testid={props.testId} data-count={props.users.length}>
      <For each={props.users}>
        {(user) => (
          <li data-user-id={user.id}>
            <Avatar user={user} isMe={user.id === props.myId} />
          </li>
        )}
      </For>
    </ul>
  );
}
