// The embedded default as a user runs it: main.ts on PGlite in a data folder, stopped and started again.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runServerToExit, spawnServer } from "../helpers/process.ts";
import { loginAs } from "../helpers/server.ts";

const test = suite<{ dataDir: string }>("embedded default across restarts");

test.before((ctx) => {
  ctx.dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-restart-"));
});
test.after((ctx) => rmSync(ctx.dataDir, { recursive: true, force: true }));

test("first start seeds the demo and prints the URL and the demo logins", async ({ dataDir }) => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  try {
    const out = server.output();
    for (const email of ["admin@caseroom.local", "supervisor@caseroom.local", "tech1@caseroom.local", "tech2@caseroom.local"]) {
      assert.ok(out.includes(email), `start output lists ${email}`);
    }
    const tech1 = await loginAs(server.url, "tech1@caseroom.local");
    const created = await tech1.post("/api/tickets", { title: "Survives a restart" });
    assert.is(created.status, 201);
  } finally {
    assert.is(await server.stop("SIGTERM"), 0, "graceful shutdown exits 0");
  }
});

test("data survives a restart and the demo is not seeded twice", async ({ dataDir }) => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  try {
    const tech1 = await loginAs(server.url, "tech1@caseroom.local");
    const { body } = await tech1.get("/api/tickets");
    assert.is(body.tickets.filter((t: { title: string }) => t.title === "Survives a restart").length, 1);
    assert.is(body.tickets.filter((t: { title: string }) => t.title === "Wi-Fi slow in meeting room B").length, 1);
  } finally {
    await server.stop("SIGTERM");
  }
});

test("DEMO_PASSWORD sets the demo password", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "caseroom-pw-"));
  const server = await spawnServer({ DATA_DIR: dir, DEMO_PASSWORD: "another-secret" });
  try {
    await loginAs(server.url, "admin@caseroom.local", "another-secret");
    const wrong = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@caseroom.local", password: "caseroom" }),
    });
    assert.is(wrong.status, 401);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("production refuses to start without SESSION_SECRET, naming it", async ({ dataDir }) => {
  const { code, output } = await runServerToExit({ NODE_ENV: "production", DATA_DIR: dataDir });
  assert.is(code, 1);
  assert.match(output, /SESSION_SECRET/);
});

test("a bad value stops the start with a message naming the variable", async ({ dataDir }) => {
  const { code, output } = await runServerToExit({ DATA_DIR: dataDir, PORT: "not-a-port" });
  assert.is(code, 1);
  assert.match(output, /PORT/);
});

test("production seeds nothing unless asked", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "caseroom-prod-"));
  const server = await spawnServer({ NODE_ENV: "production", DATA_DIR: dir, SESSION_SECRET: "x".repeat(40) });
  try {
    assert.not.match(server.output(), /demo logins/);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@caseroom.local", password: "caseroom" }),
    });
    assert.is(res.status, 401);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
