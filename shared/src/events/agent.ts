// A technician's availability. Technicians pick available, busy or away themselves; calls set on_call
// and wrap_up; the server sets offline on logout or once the last connection has been gone a minute.
import { z } from "zod";

export const agentStates = ["available", "busy", "on_call", "wrap_up", "away", "offline"] as const;
export const AgentStateSchema = z.enum(agentStates);
export type AgentState = z.infer<typeof AgentStateSchema>;

/** The states a technician may choose in the top bar. */
export const selectableAgentStates = ["available", "busy", "away"] as const satisfies readonly AgentState[];
export const SelectableAgentStateSchema = z.enum(selectableAgentStates);
export type SelectableAgentState = z.infer<typeof SelectableAgentStateSchema>;

export const agentEventData = {
  "agent.status_changed": z.strictObject({ from: AgentStateSchema, to: AgentStateSchema }),
} as const;
