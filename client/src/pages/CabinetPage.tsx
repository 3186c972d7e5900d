// The technician's cabinet: my figures today against my team's median, how each is calculated, the
// trend over 7 and 30 days, and what I did today. Supervisors open anyone's with ?agent=<id>.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { A, useSearchParams } from "@solidjs/router";
import { kpiNames, type Cabinet, type KpiName } from "@caseroom/shared";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { ExplainPanel } from "../components/ExplainPanel.tsx";
import { KpiTile } from "../components/KpiTile.tsx";
import { LineChart } from "../components/LineChart.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { formatDateTime, t } from "../i18n/index.ts";
import { metricsApi } from "../metrics/api.ts";
import { axisLabel, formatKpi } from "../metrics/format.ts";
import { me } from "../session.ts";
import { useSocketEvent } from "../socket.ts";

export function CabinetPage() {
  const [params] = useSearchParams();
  const agentId = () => (typeof params.agent === "string" ? params.agent : undefined);
  // An object source: a bare `undefined` (my own cabinet) would stop createResource from fetching.
  const [cabinet, { refetch }] = createResource(() => ({ id: agentId() }), ({ id }) => metricsApi.cabinet(id));
  const [explaining, setExplaining] = createSignal<KpiName>();
  const [trendKpi, setTrendKpi] = createSignal<KpiName>("frt");
  const mine = () => !agentId() || agentId() === me()?.user.id;
  usePageTitle(() => (mine() ? t("cabinet.title") : t("cabinet.titleOf", { name: cabinet()?.agent.name ?? "" })));
  // My own state changes are events too: refresh the timeline when one happens.
  useSocketEvent("agent:status", () => void refetch());

  return (
    <>
      <div class="page-head">
        <h1>{mine() ? t("cabinet.title") : t("cabinet.titleOf", { name: cabinet()?.agent.name ?? "" })}</h1>
        <p class="muted">{t("cabinet.explainHint")}</p>
      </div>
      <Show when={cabinet.error}>
        <ErrorMessage error={cabinet.error} />
      </Show>
      <Show when={cabinet()} fallback={<Show when={!cabinet.error}><p class="muted">{t("app.loading")}</p></Show>}>
        {(c) => (
          <div class="cabinet" data-testid="cabinet">
            <section aria-labelledby="cab-today">
              <h2 id="cab-today">{t("cabinet.today")}</h2>
              <p class="muted">{t("cabinet.peers", { count: c().peers })}</p>
              <div class="cabinet-tiles">
                <For each={kpiNames}>
                  {(kpi) => <KpiTile kpi={kpi} figure={c().today.kpis[kpi]} compare={c().teamMedian[kpi]} compareLabel={t("cabinet.teamMedian")} onExplain={setExplaining} />}
                </For>
              </div>
            </section>
            <section aria-labelledby="cab-trends" class="cabinet-trends">
              <div class="cabinet-trends-head">
                <h2 id="cab-trends">{t("cabinet.trends")}</h2>
                <label>
                  <span>{t("cabinet.trendKpi")}</span>
                  <select value={trendKpi()} onChange={(e) => setTrendKpi(e.currentTarget.value as KpiName)} data-testid="trend-kpi">
                    <For each={kpiNames}>{(kpi) => <option value={kpi}>{t(`kpi.${kpi}`)}</option>}</For>
                  </select>
                </label>
              </div>
              <div class="cabinet-charts">
                <Trend cabinet={c()} kpi={trendKpi()} days={7} />
                <Trend cabinet={c()} kpi={trendKpi()} days={30} />
              </div>
            </section>
            <section aria-labelledby="cab-timeline">
              <h2 id="cab-timeline">{t("cabinet.timeline")}</h2>
              <Show when={c().timeline.length > 0} fallback={<p class="muted">{t("cabinet.timelineEmpty")}</p>}>
                <ol class="timeline" data-testid="timeline">
                  <For each={[...c().timeline].reverse()}>
                    {(entry) => (
                      <li>
                        <time datetime={entry.at}>{formatDateTime(entry.at, { timeZone: c().timeZone })}</time>
                        <span>{describe(entry)}</span>
                        <Show when={entry.ticketId}>
                          {(id) => <A href={`/tickets/${id()}`}>{t("cabinet.openTicket")}</A>}
                        </Show>
                        <code class="muted" title={entry.eventId}>{entry.eventId.slice(0, 8)}</code>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            </section>
            <Show when={explaining()}>
              {(kpi) => (
                <ExplainPanel kpi={kpi()} range={{ scope: `agent:${c().agent.id}`, from: c().today.from, to: c().today.to }} timeZone={c().timeZone} onClose={() => setExplaining(undefined)} />
              )}
            </Show>
          </div>
        )}
      </Show>
    </>
  );
}

function Trend(props: { cabinet: Cabinet; kpi: KpiName; days: 7 | 30 }) {
  const days = createMemo(() => props.cabinet.days.slice(-props.days));
  const x = () => days().map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
  return (
    <figure class="cabinet-chart">
      <figcaption>{props.days === 7 ? t("cabinet.last7") : t("cabinet.last30")}</figcaption>
      <LineChart
        x={x()}
        height={180}
        label={t("cabinet.chartLabel", { kpi: t(`kpi.${props.kpi}`), days: props.days })}
        testId={`trend-${props.days}`}
        xFormat={(s) => axisLabel(s, "day", "UTC")}
        yFormat={(v) => formatKpi(props.kpi, v, "narrow")}
        series={[{ label: t(`kpi.${props.kpi}`), color: "#0b5cad", values: days().map((d) => d.kpis[props.kpi]) }]}
      />
    </figure>
  );
}

function describe(entry: Cabinet["timeline"][number]): string {
  const d = entry.data as Record<string, string | number | null>;
  switch (entry.type) {
    case "ticket.created":
      return t("event.ticketCreated");
    case "ticket.status_changed":
      return t("event.statusChanged", { from: t(`status.${d.from as "new"}`), to: t(`status.${d.to as "new"}`) });
    case "ticket.priority_changed":
      return t("event.priorityChanged", { from: t(`priority.${d.from as "low"}`), to: t(`priority.${d.to as "low"}`) });
    case "ticket.assigned":
      return t("event.assigned");
    case "ticket.title_changed":
      return t("event.renamed");
    case "message.sent":
      return d.visibility === "public" ? t("event.replied") : t("event.noted");
    case "call.started":
      return t("event.callStarted");
    case "call.ended":
      return t("event.callEnded");
    case "agent.status_changed":
      return t("event.stateChanged", { to: t(`agentState.${d.to as "available"}`) });
    case "csat.submitted":
      return t("event.csat", { score: String(d.score) });
    default:
      return entry.type;
  }
}
