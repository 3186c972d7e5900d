// The live wallboard, made for a TV on the wall: dark, large, no interaction needed. It subscribes to
// its room over socket.io and redraws on every `metrics:update`; times in state tick locally.
import { createMemo, createSignal, For, Match, onCleanup, Show, Switch } from "solid-js";
import { Navigate, useLocation, useSearchParams } from "@solidjs/router";
import { can, kpiNames, WallboardSchema, type KpiName, type MetricsSubscribe, type Wallboard } from "@caseroom/shared";
import { ApiError } from "../api.ts";
import { loginHref } from "../components/AppShell.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { ExplainPanel } from "../components/ExplainPanel.tsx";
import { KpiTile } from "../components/KpiTile.tsx";
import { LineChart } from "../components/LineChart.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { axisLabel } from "../metrics/format.ts";
import { formatDateTime, formatDuration, formatNumber, t } from "../i18n/index.ts";
import { auth, me } from "../session.ts";
import { connection, useOnConnect, useSocketEvent } from "../socket.ts";

const TICK_MS = 1000;

export function WallboardPage() {
  usePageTitle(() => t("wallboard.title"));
  const location = useLocation();
  return (
    <Switch>
      <Match when={auth().status === "anonymous"}>
        <Navigate href={loginHref(location.pathname + location.search)} />
      </Match>
      <Match when={me()}>
        {(session) => (
          <Show when={can({ kind: "user", userId: session().user.id, orgId: session().org.id, role: session().user.role }, "metrics:read:any")} fallback={<main class="wallboard wallboard-message"><p>{t("wallboard.forbidden")}</p></main>}>
            <Board timeZone={session().org.timeZone} orgName={session().org.name} />
          </Show>
        )}
      </Match>
      <Match when={true}>
        <main class="wallboard wallboard-message" aria-busy="true">
          <p>{t("app.loading")}</p>
        </main>
      </Match>
    </Switch>
  );
}

function Board(props: { timeZone: string; orgName: string }) {
  const [params, setParams] = useSearchParams();
  const scope = () => (typeof params.scope === "string" && params.scope.startsWith("team:") ? params.scope : "org") as MetricsSubscribe["scope"];
  const [board, setBoard] = createSignal<Wallboard>();
  const [error, setError] = createSignal<unknown>();
  const [explaining, setExplaining] = createSignal<KpiName>();
  const [now, setNow] = createSignal(Date.now());
  const ticker = window.setInterval(() => setNow(Date.now()), TICK_MS);
  onCleanup(() => window.clearInterval(ticker));

  let subscribed: string | undefined;
  useOnConnect(
    (s) => {
      const wanted = scope();
      if (subscribed && subscribed !== wanted) s.emit("metrics:unsubscribe", { scope: subscribed as MetricsSubscribe["scope"] }, () => {});
      subscribed = wanted;
      s.emit("metrics:subscribe", { scope: wanted }, (ack) => {
        if (!ack.ok) return setError(new ApiError(0, ack.error.code, ack.error.message));
        setError(undefined);
        setBoard(ack.data);
      });
    },
    (s) => subscribed && s.emit("metrics:unsubscribe", { scope: subscribed as MetricsSubscribe["scope"] }, () => {}),
  );
  useSocketEvent("metrics:update", (payload) => {
    const parsed = WallboardSchema.safeParse(payload);
    if (!parsed.success) return console.warn("malformed metrics:update", parsed.error.issues);
    if (parsed.data.scope === scope()) setBoard(parsed.data);
  });

  const chartX = createMemo(() => {
    const b = board();
    if (!b) return [];
    const start = Date.parse(b.series.from) / 1000;
    return b.series.created.map((_, i) => start + i * b.series.stepS);
  });
  const since = (iso: string | null) => (iso ? formatDuration(Math.max(0, now() - Date.parse(iso)), "narrow") : "");
  const teamName = () => board()?.teams.find((team) => `team:${team.id}` === scope())?.name;

  return (
    <main class="wallboard" data-testid="wallboard">
      <header class="wallboard-head">
        <h1>{teamName() ? t("wallboard.headingTeam", { org: props.orgName, team: teamName()! }) : props.orgName}</h1>
        <label class="wallboard-scope">
          <span class="sr-only">{t("wallboard.scope")}</span>
          <select value={scope()} onChange={(e) => setParams({ scope: e.currentTarget.value === "org" ? undefined : e.currentTarget.value }, { replace: true })}>
            <option value="org">{t("wallboard.scopeOrg")}</option>
            <For each={board()?.teams ?? []}>{(team) => <option value={`team:${team.id}`}>{team.name}</option>}</For>
          </select>
        </label>
        <span class={`wallboard-clock connection-${connection()}`}>
          <span class="connection-dot" aria-hidden="true" />
          {formatDateTime(new Date(now()), { timeZone: props.timeZone })}
        </span>
      </header>
      <Show when={error()}>
        <ErrorMessage error={error()} />
      </Show>
      <Show when={board()} fallback={<p class="wallboard-message">{t("app.loading")}</p>}>
        {(b) => (
          <>
            <section class="wallboard-tiles" aria-label={t("wallboard.today")}>
              <For each={kpiNames}>
                {(kpi) => (
                  <KpiTile kpi={kpi} figure={b().today.kpis[kpi]} compare={b().yesterday.kpis[kpi].value} compareLabel={t("wallboard.yesterday")} durations="narrow" onExplain={setExplaining} />
                )}
              </For>
            </section>
            <div class="wallboard-grid">
              <section class="wallboard-panel wallboard-agents" aria-labelledby="wb-agents">
                <h2 id="wb-agents">{t("wallboard.agents")}</h2>
                <ul class="agent-cards">
                  <For each={[...b().live.agents].sort((x, y) => stateOrder(x.state) - stateOrder(y.state) || x.name.localeCompare(y.name))}>
                    {(agent) => (
                      <li class={`agent-card state-${agent.state}`} data-testid="agent-card" data-state={agent.state}>
                        <span class="agent-name">{agent.name}</span>
                        <span class="agent-state">{t(`agentState.${agent.state}`)}</span>
                        <span class="agent-since">{since(agent.since)}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
              <section class="wallboard-panel wallboard-chart" aria-labelledby="wb-activity">
                <h2 id="wb-activity">{t("wallboard.activity")}</h2>
                <LineChart
                  x={chartX()}
                  height={220}
                  dark
                  label={t("wallboard.chartLabel")}
                  testId="activity-chart"
                  xFormat={(s) => axisLabel(s, "time", props.timeZone)}
                  series={[
                    { label: t("wallboard.created"), color: "#58a6ff", values: b().series.created },
                    { label: t("wallboard.resolved"), color: "#3fb950", values: b().series.resolved },
                    { label: t("wallboard.responses"), color: "#d29922", values: b().series.responses },
                  ]}
                />
              </section>
              <section class="wallboard-panel wallboard-queue" aria-labelledby="wb-queue">
                <h2 id="wb-queue">{t("wallboard.queue")}</h2>
                <p class="queue-number" data-testid="wallboard-queue">{formatNumber(b().live.queue)}</p>
                <p class="muted">{t("wallboard.queueHint")}</p>
                <Show when={b().live.breached > 0}>
                  <p class="breached">{t("wallboard.breached", { count: b().live.breached })}</p>
                </Show>
                <h2 id="wb-risk">{t("wallboard.atRisk")}</h2>
                <Show when={b().live.atRisk.length > 0} fallback={<p class="muted">{t("wallboard.atRiskNone")}</p>}>
                  <ul class="risk-list" aria-labelledby="wb-risk">
                    <For each={b().live.atRisk.slice(0, 8)}>
                      {(ticket) => (
                        <li class={`risk priority-${ticket.priority}`}>
                          <span class="risk-title">{ticket.title}</span>
                          <span class="risk-due">{t("wallboard.dueIn", { duration: formatDuration(Math.max(0, Date.parse(ticket.deadline) - now()), "narrow") })}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
                <h2 id="wb-calls">{t("wallboard.openCalls")}</h2>
                <Show when={b().live.openCalls.length > 0} fallback={<p class="muted">{t("wallboard.noCalls")}</p>}>
                  <p class="queue-number small">{formatNumber(b().live.openCalls.length)}</p>
                </Show>
              </section>
            </div>
            <p class="wallboard-foot muted">{t("wallboard.updatedAt", { time: formatDateTime(b().at, { timeZone: props.timeZone }) })}</p>
            <Show when={explaining()}>
              {(kpi) => (
                <ExplainPanel kpi={kpi()} range={{ scope: scope(), from: b().today.from, to: b().today.to }} timeZone={props.timeZone} onClose={() => setExplaining(undefined)} />
              )}
            </Show>
          </>
        )}
      </Show>
    </main>
  );
}

const order = ["on_call", "wrap_up", "busy", "available", "away", "offline"];
const stateOrder = (state: string) => order.indexOf(state);
