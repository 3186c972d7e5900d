// Round initials for a colleague. The full name is in the tooltip and, for screen readers, in text.
import { For } from "solid-js";
import type { OnlineUser } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { userColor } from "./userColor.ts";

/** Up to two initials: "Taylor Tech" → "TT", "Анна Смирнова" → "АС". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters.map((w) => Array.from(w ?? "")[0] ?? "").join("").toLocaleUpperCase();
}

/** A person's initials on their colour; `label` is the tooltip and the screen-reader text. */
export function Avatar(props: { user: Pick<OnlineUser, "id" | "name">; label: string; small?: boolean }) {
  return (
    <span class={props.small ? "avatar avatar-small" : "avatar"} style={{ "background-color": userColor(props.user.id) }} title={props.label}>
      <span aria-hidden="true">{initials(props.user.name)}</span>
      <span class="sr-only">{props.label}</span>
    </span>
  );
}

/** A list of people, e.g. who is online or who is viewing a ticket. */
export function AvatarList(props: { users: OnlineUser[]; myId?: string; labelledBy: string; testId?: string }) {
  return (
    <ul class="avatar-list" aria-labelledby={props.labelledBy} data-testid={props.testId} data-count={props.users.length}>
      <For each={props.users}>
        {(user) => {
          const name = () => (user.id === props.myId ? t("presence.you", { name: user.name }) : user.name);
          return (
            <li data-user-id={user.id}>
              <Avatar user={user} label={t("presence.user", { name: name(), role: t(`role.${user.role}`) })} />
            </li>
          );
        }}
      </For>
    </ul>
  );
}
