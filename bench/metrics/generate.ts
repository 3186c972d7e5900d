// A synthetic, deterministic day of a support floor: tickets with assignments, replies, calls with
// wrap-up, resolutions, reopenings, surveys and agent state changes. About 10 events per ticket.
import type { LogEvent } from "../../server/src/metrics/facts.ts";

let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
// Deterministic uuids: the bench must not depend on crypto randomness to be repeatable.
let counter = 0;
export const uuid = () => {
  const hex = (++counter).toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
};

export function generateDay(orgId: string, dayStart: number, targetEvents: number, agents: readonly string[]): LogEvent[] {
  seed = 42;
  const events: Omit<LogEvent, "seq">[] = [];
  const DAY = 24 * 3600_000;
  const add = (type: string, at: number, data: Record<string, unknown>, refs: { actorId?: string | null; ticketId?: string | null; callId?: string | null } = {}) =>
    events.push({ id: uuid(), orgId, type, at: Math.round(at), actorId: refs.actorId ?? null, ticketId: refs.ticketId ?? null, callId: refs.callId ?? null, data });
  for (const agent of agents) add("agent.status_changed", dayStart + rand() * 3600_000, { from: "offline", to: "available" }, { actorId: agent });
  while (events.length < targetEvents) {
    const ticketId = uuid();
    const created = dayStart + rand() * DAY * 0.9;
    const agent = pick(agents);
    const priority = pick(["low", "normal", "normal", "high", "urgent"]);
    add("ticket.created", created, { title: "Synthetic ticket", priority }, { ticketId });
    add("ticket.assigned", created + 60_000 + rand() * 600_000, { from: null, to: agent }, { ticketId, actorId: agent });
    let t = created + 120_000 + rand() * 4 * 3600_000;
    add("message.sent", created + rand() * 60_000, { messageId: uuid(), visibility: "public", authorKind: "customer" }, { ticketId });
    const replies = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < replies; i++) {
      add("message.sent", t, { messageId: uuid(), visibility: rand() < 0.8 ? "public" : "internal", authorKind: "staff" }, { ticketId, actorId: agent });
      t += 60_000 + rand() * 1800_000;
    }
    if (rand() < 0.4) {
      const callId = uuid();
      const end = t + 60_000 + rand() * 900_000;
      add("call.started", t, {}, { callId, ticketId, actorId: agent });
      add("call.ended", end, {}, { callId, actorId: agent });
      add("agent.status_changed", end + rand() * 4000, { from: "on_call", to: "wrap_up" }, { actorId: agent });
      add("agent.status_changed", end + 30_000 + rand() * 90_000, { from: "wrap_up", to: "available" }, { actorId: agent });
      t = end + 200_000;
    }
    if (rand() < 0.8) {
      add("ticket.status_changed", t, { from: "open", to: "resolved" }, { ticketId, actorId: agent });
      if (rand() < 0.05) add("ticket.status_changed", t + 600_000, { from: "resolved", to: "open" }, { ticketId });
      if (rand() < 0.3) add("csat.submitted", t + 300_000, { score: 1 + Math.floor(rand() * 5) }, { ticketId });
    }
  }
  // Arrival order = commit order: roughly by time, as a real log is.
  events.sort((a, b) => a.at - b.at);
  return events.map((e, i) => ({ ...e, seq: i + 1 }));
}
