// My availability in the top bar. Calls set on_call and wrap_up and the server sets offline; those
// show here but cannot be picked. Other tabs and the server's changes arrive as `agent:status`.
import { createSignal, For, onMount, Show } from "solid-js";
import { agentStates, selectableAgentStates, type AgentState, type SelectableAgentState } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { metricsApi } from "../metrics/api.ts";
import { useSocketEvent } from "../socket.ts";

export function AgentStatusSelect(props: { onError: (err: unknown) => void }) {
  const [state, setState] = createSignal<AgentState>();
  onMount(() => void metricsApi.status().then((s) => setState(s.state), props.onError));
  useSocketEvent("agent:status", (s) => setState(s.state));
  const selectable = (s: AgentState) => (selectableAgentStates as readonly string[]).includes(s);

  const onChange = async (next: SelectableAgentState) => {
    const previous = state();
    setState(next);
    try {
      setState((await metricsApi.setStatus(next)).state);
    } catch (err) {
      setState(previous);
      props.onError(err);
    }
  };

  return (
    <Show when={state()}>
      {(current) => (
        <label class={`agent-status state-${current()}`}>
          <span class="agent-status-dot" aria-hidden="true" />
          <span class="sr-only">{t("agentState.label")}</span>
          <select data-testid="agent-status" value={current()} onChange={(e) => void onChange(e.currentTarget.value as SelectableAgentState)}>
            <For each={agentStates.filter((s) => selectable(s) || s === current())}>
              {(s) => (
                <option value={s} disabled={!selectable(s)} selected={s === current()}>
                  {t(`agentState.${s}`)}
                </option>
              )}
            </For>
          </select>
        </label>
      )}
    </Show>
  );
}
