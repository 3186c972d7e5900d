// The live transcript beside the call panel: final lines per speaker in order, each speaker's
// current interim line below them, and for staff the switch that shows captions to the customer.
// For the customer (`audience="customer"`) it shows captions only while a technician has them on.
// With no engine configured it says so, and how to turn it on.
import { createEffect, For, onCleanup, Show } from "solid-js";
import type { TranscriptSegmentWire } from "@caseroom/shared";
import { t, type MessageKey } from "../i18n/index.ts";
import { openTranscript } from "./transcript.ts";

export interface TranscriptPanelProps {
  callId: string;
  audience: "staff" | "customer";
  /** This browser's microphone track while in the call; its audio is transcribed. */
  micTrack?: MediaStreamTrack;
}

const problems: Partial<Record<string, MessageKey>> = {
  unavailable: "transcript.problem.off",
  rate_limited: "transcript.problem.tooFast",
  not_found: "transcript.problem.notInCall",
  forbidden: "transcript.problem.notHeard",
};

export function TranscriptPanel(props: TranscriptPanelProps) {
  const live = openTranscript(props.callId);
  onCleanup(() => live.close());
  createEffect(() => void live.feed(props.micTrack));

  const speaker = (s: TranscriptSegmentWire) => s.speakerName || t(s.speakerKind === "customer" ? "transcript.customer" : "transcript.staff");
  const visible = () => props.audience === "staff" || live.captions();
  let list: HTMLOListElement | undefined;
  // Follow the newest line unless the reader has scrolled up.
  createEffect(() => {
    live.finals();
    live.interims();
    if (list && list.scrollHeight - list.scrollTop - list.clientHeight < 80) queueMicrotask(() => list && (list.scrollTop = list.scrollHeight));
  });

  return (
    <section class="transcript" aria-labelledby={`transcript-${props.callId}`} data-testid="transcript-panel">
      <header class="transcript__head">
        <h2 id={`transcript-${props.callId}`}>{t(props.audience === "staff" ? "transcript.heading" : "transcript.captionsHeading")}</h2>
        <Show when={props.audience === "staff" && live.status() && live.status()!.engine !== "off"}>
          <label class="transcript__captions">
            <input type="checkbox" checked={live.captions()} onChange={(e) => void live.setCaptions(e.currentTarget.checked)} />
            {t("transcript.captionsToggle")}
          </label>
        </Show>
      </header>
      <Show when={live.status()?.engine === "off"}>
        <p class="transcript__off" role="status" data-testid="transcript-off">
          {t(props.audience === "staff" ? "transcript.off" : "transcript.offCustomer")}
        </p>
      </Show>
      <Show when={live.status() && live.status()!.engine !== "off" && visible()}>
        <ol class="transcript__lines" ref={list} aria-live="polite" data-testid="transcript-lines">
          <For each={live.finals()}>
            {(s) => (
              <li class="transcript__line" classList={{ "transcript__line--whisper": s.staffOnly, "transcript__line--customer": s.speakerKind === "customer" }}>
                <span class="transcript__speaker">{speaker(s)}</span>
                <Show when={s.staffOnly}>
                  <span class="transcript__badge">{t("transcript.whisper")}</span>
                </Show>
                <span class="transcript__text">{s.text}</span>
              </li>
            )}
          </For>
          <For each={live.interims()}>
            {(s) => (
              <li class="transcript__line transcript__line--interim" aria-hidden="true" data-testid="transcript-interim">
                <span class="transcript__speaker">{speaker(s)}</span>
                <span class="transcript__text">{s.text}</span>
              </li>
            )}
          </For>
        </ol>
        <Show when={live.finals().length === 0 && live.interims().length === 0}>
          <p class="transcript__empty">{t("transcript.empty")}</p>
        </Show>
      </Show>
      <Show when={props.audience === "customer" && live.status() && live.status()!.engine !== "off" && !live.captions()}>
        <p class="transcript__empty">{t("transcript.captionsOff")}</p>
      </Show>
      <Show when={live.problem() && problems[live.problem()!]}>
        <p class="transcript__problem" role="status">{t(problems[live.problem()!]! as "transcript.problem.off")}</p>
      </Show>
    </section>
  );
}
