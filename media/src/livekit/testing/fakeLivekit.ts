// A local stand-in for a LiveKit server's RoomService: it speaks Twirp (POST /twirp/livekit.RoomService/
// <Method>, JSON bodies, Bearer JWT signed with the API secret) as the real server does, checks the
// token with the SDK's own verifier, and records what it was asked. Plus webhook signing the way
// LiveKit signs: a JWT from the API key/secret whose sha256 claim is the base64 SHA-256 of the body.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";

export interface TwirpCall {
  method: string;
  body: Record<string, unknown>;
  grants: { roomCreate?: boolean; roomAdmin?: boolean; room?: string };
}

export interface FakeLivekit {
  url: string;
  calls: TwirpCall[];
  /** Answer the next calls of a method with this HTTP status (Twirp error body). */
  failNext(method: string, status: number): void;
  close(): Promise<void>;
}

export async function startFakeLivekit(apiKey: string, apiSecret: string): Promise<FakeLivekit> {
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const calls: TwirpCall[] = [];
  const failures = new Map<string, number>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const m = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? "");
    if (req.method !== "POST" || !m) return reply(404, { code: "bad_route", msg: "no such route" });
    let grants: TwirpCall["grants"];
    try {
      const claims = await verifier.verify((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      grants = (claims.video ?? {}) as TwirpCall["grants"];
    } catch {
      return reply(401, { code: "unauthenticated", msg: "invalid token" });
    }
    const method = m[1]!;
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    calls.push({ method, body, grants });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return reply(failure, { code: failure >= 500 ? "internal" : "invalid_argument", msg: "scripted failure" });
    }
    switch (method) {
      case "CreateRoom":
        return reply(200, { sid: "RM_fake", name: body.name, emptyTimeout: body.emptyTimeout, creationTime: String(Math.floor(Date.now() / 1000)) });
      case "DeleteRoom":
        return reply(200, {});
      case "UpdateParticipant":
        return reply(200, { sid: "PA_fake", identity: body.identity, permission: body.permission, attributes: body.attributes });
      case "ListRooms":
        return reply(200, { rooms: [] });
      default:
        return reply(404, { code: "bad_route", msg: `unknown method ${method}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (method, status) => void failures.set(method, status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Authorization header LiveKit sends with a webhook body. */
export async function signWebhook(body: string, apiKey: string, apiSecret: string): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, { ttl: 5 * 60 });
  token.sha256 = createHash("sha256").update(body).digest("base64");
  return token.toJwt();
}
