// The reference: the same day's organisation-wide KPIs computed by SQL over the events table, with
// the definitions of docs/metrics.md. Written as one would for a report: window functions, DISTINCT
// ON and lateral look-ups through the existing indexes.
import type { MetricSettings } from "@caseroom/shared";
import type { Db, Queryable } from "../../server/src/db/index.ts";

const PUBLIC_STAFF = "type = 'message.sent' and data->>'visibility' = 'public' and data->>'authorKind' = 'staff'";

export const referenceQueries = (settings: MetricSettings): Record<string, string> => ({
  frt: `
    with first_resp as (select distinct on (ticket_id) ticket_id, at from events where org_id = $1 and ${PUBLIC_STAFF} order by ticket_id, at, seq),
         created as (select distinct on (ticket_id) ticket_id, at from events where org_id = $1 and type = 'ticket.created' order by ticket_id, at, seq)
    select count(*)::int as n, avg(extract(epoch from greatest(f.at - c.at, interval '0')))::float8 as value
      from first_resp f join created c using (ticket_id) where f.at >= $2 and f.at < $3`,
  aht: `
    with starts as (select distinct on (call_id) call_id, at, actor_id from events where org_id = $1 and type = 'call.started' order by call_id, at, seq),
         ends as (select distinct on (call_id) call_id, at, seq from events where org_id = $1 and type = 'call.ended' order by call_id, at, seq),
         states as (select actor_id, at, seq, data->>'to' as state, lead(at) over (partition by actor_id order by at, seq) as next_at
                      from events where org_id = $1 and type = 'agent.status_changed'),
         marks as (select s.actor_id, e.at, 0 as kind, e.call_id from ends e join starts s using (call_id)
                   union all select actor_id, at, 1, null from states where state = 'wrap_up'),
         -- For each call end, the first wrap_up at or after it: a running minimum over the actor's marks in reverse.
         nexts as (select *, min(case when kind = 1 then at end) over (partition by actor_id order by at desc, kind desc rows between unbounded preceding and current row) as wrap_at
                     from marks),
         calls as (select distinct on (n.call_id) n.call_id, extract(epoch from greatest(n.at - s.at, interval '0')) as talk,
                          case when n.wrap_at <= n.at + interval '5 seconds' then n.wrap_at end as wrap_at,
                          case when n.wrap_at <= n.at + interval '5 seconds' then w.next_at end as wrap_end
                     from nexts n join starts s using (call_id)
                     left join states w on w.actor_id = n.actor_id and w.at = n.wrap_at and w.state = 'wrap_up'
                    where n.kind = 0 and n.at >= $2 and n.at < $3
                    order by n.call_id, w.seq)
    select count(*)::int as n,
           avg(talk + coalesce(extract(epoch from wrap_end - wrap_at), 0))::float8 as value,
           avg(coalesce(extract(epoch from wrap_end - wrap_at), 0))::float8 as acw
      from calls where not (wrap_at is not null and wrap_end is null)`,
  fcr: `
    with st as (select ticket_id, at, seq, data->>'from' as f, data->>'to' as t from events where org_id = $1 and type = 'ticket.status_changed'),
         res as (select distinct on (ticket_id) ticket_id, at from st where t = 'resolved' and f <> 'resolved' and at >= $2 and at < $3 order by ticket_id, at desc, seq desc),
         reopened as (select distinct ticket_id from st where f in ('resolved', 'closed') and t in ('new', 'open', 'pending'))
    select count(*)::int as n, avg(case when ro.ticket_id is null
             and (select count(*) from events m where m.ticket_id = r.ticket_id and m.${PUBLIC_STAFF} and m.at < r.at) <= 1
             and (select count(distinct call_id) from events c where c.ticket_id = r.ticket_id and c.type = 'call.started' and c.at < r.at) <= 1
           then 100.0 else 0 end)::float8 as value
      from res r left join reopened ro using (ticket_id)`,
  csat: `
    select count(*)::int as n, avg(case when (data->>'score')::int >= 4 then 100.0 else 0 end)::float8 as value
      from events where org_id = $1 and type = 'csat.submitted' and at >= $2 and at < $3`,
  sla: `
    with created as (select distinct on (ticket_id) ticket_id, at, data->>'priority' as priority from events where org_id = $1 and type = 'ticket.created' order by ticket_id, at, seq),
         first_resp as (select distinct on (ticket_id) ticket_id, at from events where org_id = $1 and ${PUBLIC_STAFF} order by ticket_id, at, seq),
         judged as (
           select c.ticket_id, f.at as answered,
                  c.at + make_interval(secs => case coalesce(
                    (select p.data->>'to' from events p where p.ticket_id = c.ticket_id and p.type = 'ticket.priority_changed' and p.at <= coalesce(f.at, 'infinity') order by p.at desc, p.seq desc limit 1),
                    c.priority)
                    when 'urgent' then ${settings.slaTargetsS.urgent} when 'high' then ${settings.slaTargetsS.high}
                    when 'normal' then ${settings.slaTargetsS.normal} else ${settings.slaTargetsS.low} end) as deadline
             from created c left join first_resp f using (ticket_id))
    select count(*)::int as n, avg(case when answered <= deadline then 100.0 else 0 end)::float8 as value
      from judged where deadline >= $2 and deadline < $3`,
  reopenRate: `
    select count(*) filter (where data->>'to' = 'resolved' and data->>'from' <> 'resolved')::int as n,
           (100.0 * count(*) filter (where data->>'from' in ('resolved', 'closed') and data->>'to' in ('new', 'open', 'pending'))
                  / nullif(count(*) filter (where data->>'to' = 'resolved' and data->>'from' <> 'resolved'), 0))::float8 as value
      from events where org_id = $1 and type = 'ticket.status_changed' and at >= $2 and at < $3`,
  backlog: `
    with last as (select distinct on (ticket_id) ticket_id, data->>'to' as s from events where org_id = $1 and type = 'ticket.status_changed' and at < $3 order by ticket_id, at desc, seq desc),
         created as (select distinct ticket_id from events where org_id = $1 and type = 'ticket.created' and at < $3)
    select count(*)::int as n, count(*)::float8 as value from created c left join last l using (ticket_id)
     where coalesce(l.s, 'new') in ('new', 'open', 'pending') and $2 is not null -- every query takes the same parameters`,
  occupancy: `
    with st as (select actor_id, at, data->>'to' as s, lead(at) over (partition by actor_id order by at, seq) as nxt from events where org_id = $1 and type = 'agent.status_changed'),
         seg as (select actor_id, s, greatest(at, $2) as a, least(coalesce(nxt, $3), $3) as b from st)
    select count(distinct actor_id) filter (where s in ('available', 'busy', 'on_call', 'wrap_up'))::int as n,
           (100.0 * sum(extract(epoch from b - a)) filter (where s in ('busy', 'on_call', 'wrap_up'))
                  / nullif(sum(extract(epoch from b - a)) filter (where s in ('available', 'busy', 'on_call', 'wrap_up')), 0))::float8 as value
      from seg where b > a`,
});

export async function referenceKpis(db: Db, orgId: string, from: number, to: number, settings: MetricSettings) {
  // The planner underestimates the CTE joins and picks nested loops that take minutes: a reporting
  // session would turn them off, and so does the reference.
  return db.transaction(async (tx) => {
    await tx.query("set local enable_nestloop = off");
    return runQueries(tx, orgId, from, to, settings);
  });
}

async function runQueries(db: Queryable, orgId: string, from: number, to: number, settings: MetricSettings) {
  const out: Record<string, { n: number; value: number | null; ms: number }> = {};
  for (const [kpi, sql] of Object.entries(referenceQueries(settings))) {
    const started = performance.now();
    const typed = sql.replaceAll("$2", "$2::timestamptz").replaceAll("$3", "$3::timestamptz");
    const [row] = await db.query<{ n: number; value: number | null; acw?: number }>(typed, [orgId, new Date(from).toISOString(), new Date(to).toISOString()]);
    out[kpi] = { n: Number(row!.n), value: row!.value === null ? null : Number(row!.value), ms: performance.now() - started };
    if (kpi === "aht") out.acw = { n: Number(row!.n), value: Number(row!.acw), ms: 0 };
  }
  return out;
}
