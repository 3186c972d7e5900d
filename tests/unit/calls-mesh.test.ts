// The mesh's routing rules (media/src/p2p/plan.ts) and TURN credentials, as pure functions.
import { createHmac, randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { iceServersFor, planMesh, type MeshPeer } from "@caseroom/media";
import { loadConfig } from "../../server/src/config/index.ts";

const peer = (kind: MeshPeer["kind"], mode: MeshPeer["mode"], name: string = kind): MeshPeer => ({ peerId: randomUUID(), kind, mode, name, epoch: randomUUID() });

const plan = suite("mesh plan");

plan("two participants: one link each way, audio and video, visible, exactly one polite side", () => {
  const t = peer("technician", "participant");
  const c = peer("customer", "participant");
  const plans = planMesh("c1", [t, c]);
  const tl = plans.get(t.peerId)!.links;
  const cl = plans.get(c.peerId)!.links;
  assert.equal(tl.map((l) => [l.peerId, l.sendAudio, l.sendVideo, l.visible, l.name]), [[c.peerId, true, true, true, "customer"]]);
  assert.equal(cl.map((l) => [l.peerId, l.sendAudio, l.sendVideo, l.visible]), [[t.peerId, true, true, true]]);
  assert.is.not(tl[0]!.polite, cl[0]!.polite);
  assert.is(tl[0]!.epoch, cl[0]!.epoch);
});

for (const mode of ["monitor", "whisper", "barge"] as const) {
  plan(`a supervisor in ${mode} mode`, () => {
    const t = peer("technician", "participant");
    const c = peer("customer", "participant");
    const s = peer("supervisor", mode, "Sam");
    const plans = planMesh("c1", [t, c, s]);
    const sees = (viewer: MeshPeer, other: MeshPeer) => plans.get(viewer.peerId)!.links.find((l) => l.peerId === other.peerId)!;
    // Everybody's media reaches the supervisor in every mode.
    assert.ok(sees(t, s).sendAudio && sees(c, s).sendAudio && sees(c, s).sendVideo);
    assert.is(sees(s, t).sendAudio, mode !== "monitor", "to the technician");
    assert.is(sees(s, c).sendAudio, mode === "barge", "to the customer");
    assert.is(sees(s, t).sendVideo, mode === "barge");
    assert.is(sees(c, s).visible, mode === "barge", "the customer sees only a barging supervisor");
    if (mode !== "barge") assert.equal([sees(c, s).name, sees(c, s).kind, sees(c, s).mode], [undefined, undefined, undefined]);
    assert.is(sees(t, s).visible, true, "technicians always see the supervisor");
  });
}

plan("two monitoring supervisors share no link", () => {
  const a = peer("supervisor", "monitor");
  const b = peer("admin", "monitor");
  assert.equal(planMesh("c1", [a, b]).get(a.peerId)!.links, []);
});

plan.run();

const ice = suite("ICE servers");

ice("none configured: an empty list (host candidates only)", () => {
  assert.equal(iceServersFor({ stunUrls: [], turn: undefined }, randomUUID()), []);
});

ice("TURN credentials follow coturn's use-auth-secret scheme and expire", () => {
  const id = randomUUID();
  const now = Date.UTC(2026, 0, 1);
  const [stun, turn] = iceServersFor({ stunUrls: ["stun:a:3478"], turn: { urls: ["turn:a:3478"], secret: "0123456789abcdef" } }, id, now, 3600);
  assert.equal(stun, { urls: ["stun:a:3478"] });
  assert.is(turn!.username, `${now / 1000 + 3600}:${id}`);
  assert.is(turn!.credential, createHmac("sha1", "0123456789abcdef").update(turn!.username!).digest("base64"));
});

ice("config: TURN_URLS without TURN_SECRET, or a non-stun STUN_URLS, stops the start", () => {
  const base = { DATA_DIR: "/tmp/caseroom-config-test", SESSION_SECRET: "s".repeat(32) };
  assert.throws(() => loadConfig({ ...base, TURN_URLS: "turn:x:3478" }), /TURN_URLS, TURN_SECRET/);
  assert.throws(() => loadConfig({ ...base, STUN_URLS: "http://x" }), /STUN_URLS/);
  assert.equal(loadConfig({ ...base, STUN_URLS: "stun:a:1,stun:b:2" }).ice.stunUrls, ["stun:a:1", "stun:b:2"]);
});

ice.run();
