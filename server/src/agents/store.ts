// Each technician's current state, beside the log. A change locks the user's row, writes the row and
// its agent.status_changed event in one transaction, so the log and the row never disagree and two
// nodes never both record the same change ([M21]).
import { randomUUID } from "node:crypto";
import type { AgentState, AgentStatus } from "@caseroom/shared";
import type { Db, Queryable } from "../db/index.ts";
import { appendEvents } from "../events/index.ts";

interface Row {
  user_id: string;
  org_id: string;
  state: AgentState;
  since: Date;
  last_seen_at: Date | null;
}

export interface StatusChange {
  orgId: string;
  userId: string;
  status: AgentStatus;
}

async function change(tx: Queryable, orgId: string, userId: string, from: AgentState, to: AgentState, at: Date): Promise<StatusChange> {
  await tx.query(
    `insert into agent_states (user_id, org_id, state, since, last_seen_at) values ($1, $2, $3, $4, now())
     on conflict (user_id) do update set state = excluded.state, since = excluded.since,
            last_seen_at = case when excluded.state = 'offline' then agent_states.last_seen_at else now() end`,
    [userId, orgId, to, at],
  );
  await appendEvents(tx, orgId, [{ id: randomUUID(), type: "agent.status_changed", at: at.toISOString(), actorId: userId, data: { from, to } }]);
  return { orgId, userId, status: { state: to, since: at.toISOString() } };
}

export function agentStatusStore(db: Db) {
  return {
    async get(userId: string): Promise<AgentStatus> {
      const [row] = await db.query<Row>("select state, since from agent_states where user_id = $1", [userId]);
      return row ? { state: row.state, since: new Date(row.since).toISOString() } : { state: "offline", since: null };
    },

    /** Sets a state; no event when it is the state already. */
    async set(orgId: string, userId: string, to: AgentState): Promise<StatusChange | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<Row>("select state from agent_states where user_id = $1 for update", [userId]);
        const from = row?.state ?? "offline";
        if (from === to) {
          await tx.query("update agent_states set last_seen_at = now() where user_id = $1", [userId]);
          return undefined;
        }
        return change(tx, orgId, userId, from, to, new Date());
      });
    },

    /** Records that these users still have a live connection on this node. */
    async seen(userIds: readonly string[]): Promise<void> {
      if (userIds.length === 0) return;
      await db.query("update agent_states set last_seen_at = now() where user_id = any($1::uuid[])", [userIds]);
    },

    /**
     * [M21] Everyone not offline whose last connection has been gone `offlineAfterMs` goes offline, at
     * the moment that minute ran out. `skip locked`: another node sweeping at once takes the others.
     */
    async sweep(offlineAfterMs: number): Promise<StatusChange[]> {
      return db.transaction(async (tx) => {
        const rows = await tx.query<Row>(
          `select user_id, org_id, state, since, last_seen_at from agent_states
            where state <> 'offline' and coalesce(last_seen_at, since) < now() - make_interval(secs => $1::float8 / 1000)
            for update skip locked`,
          [offlineAfterMs],
        );
        const changes: StatusChange[] = [];
        for (const row of rows) {
          const at = new Date(new Date(row.last_seen_at ?? row.since).getTime() + offlineAfterMs);
          changes.push(await change(tx, row.org_id, row.user_id, row.state, "offline", at));
        }
        return changes;
      });
    },
  };
}
export type AgentStatusStore = ReturnType<typeof agentStatusStore>;
