// At most N answers streaming at once per user, so one person (or one runaway script with their
// session) cannot hold every provider connection and the organisation's budget. Counted in this
// process: with several nodes the limit applies per node. A slot is taken before anything is sent to
// a provider and given back when the answer ends, however it ends.
import { AppError } from "../http/index.ts";

export interface StreamSlots {
  /** Takes a slot for the user, or throws 429 `rate_limited` with `details.reason: "too_many_streams"`. */
  take(userId: string): () => void;
  open(userId: string): number;
}

export function streamSlots(limit: number): StreamSlots {
  const open = new Map<string, number>();
  return {
    open: (userId) => open.get(userId) ?? 0,
    take(userId) {
      const current = open.get(userId) ?? 0;
      if (current >= limit) {
        throw new AppError("rate_limited", `You already have ${limit} AI answers in progress: wait for one to finish`, { reason: "too_many_streams", limit }, 1);
      }
      open.set(userId, current + 1);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        const left = (open.get(userId) ?? 1) - 1;
        if (left > 0) open.set(userId, left);
        else open.delete(userId);
      };
    },
  };
}
