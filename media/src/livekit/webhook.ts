// LiveKit's webhooks: the body is signed by a JWT in the Authorization header whose sha256 claim is the
// body's hash. The SDK's receiver checks both; anything it refuses never reaches the call store.
import { WebhookReceiver } from "livekit-server-sdk";

/** What the call lifecycle needs from a webhook, ids only. */
export type LivekitCallSignal =
  | { type: "participant_joined" | "participant_left"; callId: string; participantId: string }
  | { type: "room_finished"; callId: string }
  | { type: "ignored"; event: string };

const ROOM = /^call_([0-9a-f-]{36})$/;

export class WebhookRefused extends Error {
  override name = "WebhookRefused";
}

export function livekitWebhooks(opts: { apiKey: string; apiSecret: string }) {
  const receiver = new WebhookReceiver(opts.apiKey, opts.apiSecret);
  return {
    /** Verifies and decodes one webhook; throws WebhookRefused on a bad signature or body. */
    async receive(rawBody: string, authorization: string | undefined): Promise<LivekitCallSignal> {
      if (!authorization) throw new WebhookRefused("missing Authorization header");
      let event;
      try {
        event = await receiver.receive(rawBody, authorization);
      } catch (err) {
        throw new WebhookRefused(err instanceof Error ? err.message : "invalid webhook");
      }
      const callId = ROOM.exec(event.room?.name ?? "")?.[1];
      if (!callId) return { type: "ignored", event: event.event };
      switch (event.event) {
        case "participant_joined":
        case "participant_left":
          if (!event.participant?.identity) return { type: "ignored", event: event.event };
          return { type: event.event, callId, participantId: event.participant.identity };
        case "room_finished":
          return { type: "room_finished", callId };
        default:
          return { type: "ignored", event: event.event };
      }
    },
  };
}
