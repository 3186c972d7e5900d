export { attachCollabEndpoint } from "./endpoint.ts";
export { localRelay, redisRelay, type CollabRelay } from "./relay.ts";
export { defaultCollabLimits, type CollabLimits } from "./room.ts";
export { createCollab, type Collab, type CollabOptions } from "./rooms.ts";
export { registerCollabRoutes } from "./routes.ts";
export { collabTokens, COLLAB_TOKEN_TTL_MS } from "./tokens.ts";
