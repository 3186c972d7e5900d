export { mintToken, permissionFor, roomNameFor, type LivekitKind, type LivekitMode, type TokenRequest } from "./grants.ts";
export { livekitRooms, type LivekitRooms } from "./rooms.ts";
export { livekitWebhooks, WebhookRefused, type LivekitCallSignal } from "./webhook.ts";
