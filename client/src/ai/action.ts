// One request a form or button is waiting for: whether it is running, and its error, if any.
import { createSignal } from "solid-js";

export function createAction() {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  /** Runs `work`, keeping `busy` true meanwhile; resolves true if it succeeded. */
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, dismiss: () => setError(undefined), run };
}
