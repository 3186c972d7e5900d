// Everything about calls that is not Caseroom's HTTP or database: LiveKit tokens, rooms and webhooks,
// and the peer-to-peer mesh's routing rules and ICE servers. server/ composes these.
export * from "./livekit/index.ts";
export * from "./p2p/index.ts";
export * from "./stt/index.ts";
