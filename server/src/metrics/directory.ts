// Who is in an organisation, in which teams, its time zone and its metric settings: what a query
// needs besides the facts. Read from the database and kept a few seconds, since every wallboard push
// asks for it.
import { defaultMetricSettings, MetricSettingsSchema, type MetricSettings, type StaffRole } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";

export interface OrgDirectory {
  orgId: string;
  timeZone: string;
  settings: MetricSettings;
  users: Map<string, { id: string; name: string; role: StaffRole }>;
  teams: Map<string, string[]>;
  teamNames: Map<string, string>;
  teamsOf: Map<string, string[]>;
}

const TTL_MS = 5_000;

export function directoryStore(db: Queryable) {
  const cache = new Map<string, { at: number; dir: Promise<OrgDirectory>; refreshing?: boolean }>();

  async function load(orgId: string): Promise<OrgDirectory> {
    const [[org], users, members, [stored]] = await Promise.all([
      db.query<{ time_zone: string }>("select time_zone from orgs where id = $1", [orgId]),
      db.query<{ id: string; name: string; role: StaffRole }>("select id, name, role from users where org_id = $1 and disabled_at is null order by name", [orgId]),
      db.query<{ team_id: string; name: string; user_id: string }>(
        "select t.id as team_id, t.name, m.user_id from teams t left join team_members m on m.team_id = t.id where t.org_id = $1 order by t.name",
        [orgId],
      ),
      db.query<{ settings: unknown }>("select settings from metric_settings where org_id = $1", [orgId]),
    ]);
    const teams = new Map<string, string[]>();
    const teamsOf = new Map<string, string[]>();
    const teamNames = new Map<string, string>();
    for (const { team_id, name, user_id } of members) {
      teamNames.set(team_id, name);
      if (!teams.has(team_id)) teams.set(team_id, []);
      if (!user_id) continue;
      teams.get(team_id)!.push(user_id);
      teamsOf.set(user_id, [...(teamsOf.get(user_id) ?? []), team_id]);
    }
    // Settings saved by an older version may lack a newer field: fall back to the defaults, never fail.
    const parsed = MetricSettingsSchema.safeParse(typeof stored?.settings === "string" ? JSON.parse(stored.settings) : stored?.settings);
    return {
      orgId,
      timeZone: org?.time_zone ?? "UTC",
      settings: parsed.success ? parsed.data : defaultMetricSettings,
      users: new Map(users.map((u) => [u.id, u])),
      teams,
      teamNames,
      teamsOf,
    };
  }

  return {
    get(orgId: string): Promise<OrgDirectory> {
      const hit = cache.get(orgId);
      const age = hit ? Date.now() - hit.at : Infinity;
      if (hit && age < TTL_MS) {
        // A directory in use is reloaded in the background half-way through its life, so a live
        // wallboard's pushes never wait for it; what is served is still never older than TTL_MS.
        if (age >= TTL_MS / 2 && !hit.refreshing) {
          hit.refreshing = true;
          const startedAt = Date.now();
          load(orgId).then(
            (dir) => {
              if (cache.get(orgId) === hit) cache.set(orgId, { at: startedAt, dir: Promise.resolve(dir) });
            },
            () => (hit.refreshing = false),
          );
        }
        return hit.dir;
      }
      const dir = load(orgId);
      cache.set(orgId, { at: Date.now(), dir });
      dir.catch(() => cache.delete(orgId));
      return dir;
    },
    invalidate(orgId: string): void {
      cache.delete(orgId);
    },
    async saveSettings(orgId: string, userId: string, settings: MetricSettings): Promise<void> {
      await db.query(
        `insert into metric_settings (org_id, settings, updated_by, updated_at) values ($1, $2::jsonb, $3, now())
         on conflict (org_id) do update set settings = excluded.settings, updated_by = excluded.updated_by, updated_at = now()`,
        [orgId, JSON.stringify(settings), userId],
      );
      cache.delete(orgId);
    },
  };
}
export type DirectoryStore = ReturnType<typeof directoryStore>;

/** [M12] An agent's peers: everyone in the agent's teams, or every technician when the agent has no team. */
export function peersOf(dir: OrgDirectory, agentId: string): string[] {
  const teams = dir.teamsOf.get(agentId) ?? [];
  if (teams.length === 0) return [...dir.users.values()].filter((u) => u.role === "technician").map((u) => u.id);
  return [...new Set(teams.flatMap((t) => dir.teams.get(t) ?? []))];
}
