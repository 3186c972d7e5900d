// ICE servers for the mesh. TURN credentials follow coturn's use-auth-secret (TURN REST API) scheme:
// username "<expiry unix s>:<id>", password base64(HMAC-SHA1(secret, username)), so each one expires
// and no shared password is ever handed to a browser.
import { createHmac } from "node:crypto";
import type { IceServer } from "@caseroom/shared";

export interface IceConfig {
  stunUrls: readonly string[];
  turn: { urls: readonly string[]; secret: string } | undefined;
}

export function iceServersFor(config: IceConfig, participantId: string, now = Date.now(), ttlS = 6 * 60 * 60): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length) servers.push({ urls: [...config.stunUrls] });
  if (config.turn) {
    const username = `${Math.floor(now / 1000) + ttlS}:${participantId}`;
    const credential = createHmac("sha1", config.turn.secret).update(username).digest("base64");
    servers.push({ urls: [...config.turn.urls], username, credential });
  }
  return servers;
}
