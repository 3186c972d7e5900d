// Who is logged in, in which organisation and language; the staff directory for names and the
// assignee picker. Starting a session opens the socket and applies the locale; ending it undoes both.
import { createSignal } from "solid-js";
import type { Locale, MeResponse, StaffMember } from "@caseroom/shared";
import { ApiError, api, setUnauthenticatedHandler } from "./api.ts";
import { browserLocale, locale, pickLocale, setLocale, t } from "./i18n/index.ts";
import { connectSocket, disconnectSocket, onlineUsers } from "./socket.ts";

export type AuthState =
  | { status: "loading" }
  | { status: "anonymous" }
  | { status: "error"; error: unknown }
  | { status: "authenticated"; me: MeResponse };

const [auth, setAuth] = createSignal<AuthState>({ status: "loading" });
const [staff, setStaff] = createSignal<StaffMember[]>([]);
const [staffLoaded, setStaffLoaded] = createSignal(false);
export { auth, staff };

/** The logged-in user and organisation, or null. */
export const me = (): MeResponse | null => {
  const state = auth();
  return state.status === "authenticated" ? state.me : null;
};

function start(session: MeResponse): void {
  setAuth({ status: "authenticated", me: session });
  setLocale(pickLocale(session.user.locale, session.org.locale));
  connectSocket(stillLoggedIn);
  void refreshStaff();
}

function end(): void {
  disconnectSocket();
  setStaff([]);
  setStaffLoaded(false);
  setAuth({ status: "anonymous" });
  setLocale(browserLocale());
}

/** Asks the server whether the session is still valid; ends it locally if not. */
async function stillLoggedIn(): Promise<boolean> {
  try {
    await api.me();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === "unauthenticated") return false; // the 401 handler ended it
    return true;
  }
}

setUnauthenticatedHandler(() => {
  if (auth().status === "authenticated") end();
});

/** Called once at start-up: are we logged in already (cookie from a previous visit)? */
export async function loadSession(): Promise<void> {
  try {
    start(await api.me());
  } catch (err) {
    if (err instanceof ApiError && err.code === "unauthenticated") end();
    else setAuth({ status: "error", error: err });
  }
}

export async function login(email: string, password: string): Promise<void> {
  await api.login({ email, password });
  start(await api.me());
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } finally {
    end();
  }
}

export async function refreshStaff(): Promise<void> {
  try {
    setStaff((await api.users()).users);
    setStaffLoaded(true);
  } catch (err) {
    console.warn("could not load the staff directory", err);
  }
}

/** Switches the language at once, then saves it; on failure the previous language comes back. */
export async function changeLocale(next: Locale): Promise<void> {
  const session = me();
  const previous = locale();
  setLocale(next);
  if (!session) return;
  try {
    const { user } = await api.updateMe({ locale: next });
    const current = me();
    if (current) setAuth({ status: "authenticated", me: { ...current, user } });
  } catch (err) {
    setLocale(previous);
    throw err;
  }
}

/** A colleague's display name by id, from the directory or the presence list. */
export function staffName(id: string | null | undefined): string {
  if (!id) return t("ticket.unassigned");
  const found = staff().find((m) => m.id === id) ?? onlineUsers().find((u) => u.id === id);
  if (found) return found.name;
  // Until the directory has loaded, show nothing rather than a wrong "former colleague".
  return staffLoaded() ? t("ticket.unknownUser") : "";
}
