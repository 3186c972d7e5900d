// [C-DUR] Killing the server with SIGKILL loses no update that any client has seen relayed: the
// server stores every update before relaying it. Run against PostgreSQL and the embedded PGlite.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { collabToken, connectProvider, waitSynced } from "../helpers/collab.ts";
import postgres from "postgres";
import { freshPostgres } from "../helpers/databases.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { loginAs, startServer, waitFor } from "../helpers/server.ts";

const SECRET = "durability-test-secret-durability-test-secret";
const EDITS = 1000;

for (const database of ["postgres", "pglite"] as const) {
  const test = suite(`SIGKILL mid-stream on ${database}`);

  test("every edit the second client received is present after the restart", async () => {
    const pg = database === "postgres" ? await freshPostgres() : undefined;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-dur-"));
    const env = {
      SESSION_SECRET: SECRET,
      DATA_DIR: dataDir,
      ...(pg ? { DATABASE_URL: `${pg.url}?search_path=${pg.schema}`, SEED_DEMO: "false" } : {}),
    };
    let server: ServerProcess | undefined = await spawnServer(env);
    try {
      const tech1 = await loginAs(server.url, "tech1@caseroom.local");
      const ticketId = (await tech1.get("/api/tickets")).body.tickets[0].id as string;
      const token = await collabToken(tech1, ticketId);
      const writer = connectProvider({ baseUrl: server.url, ticketId, token });
      const reader = connectProvider({ baseUrl: server.url, ticketId, token });
      await Promise.all([waitSynced(writer), waitSynced(reader)]);
      // A stop on the reader's side: once it has seen a third of the edits, the server dies.
      const received = () => reader.doc.getText("log").toString();
      let sent = 0;
      const writing = (async () => {
        for (; sent < EDITS && server; sent++) {
          const text = writer.doc.getText("log");
          text.insert(text.length, `e${sent};`);
          if (sent % 5 === 0) await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await waitFor(() => received().split(";").length > EDITS / 3, { timeoutMs: 30_000, what: "a third of the edits at the reader" });
      await server.stop("SIGKILL");
      server = undefined;
      await writing;
      reader.provider.disconnect();
      writer.provider.disconnect();
      const seen = received();
      const seenCount = seen.split(";").length - 1;
      writer.destroy();
      reader.destroy();
      assert.ok(seenCount >= EDITS / 4 && seenCount < EDITS, `reader saw ${seenCount} of ${EDITS} edits before the kill`);

      server = await spawnServer(env);
      const again = await loginAs(server.url, "tech1@caseroom.local");
      const fresh = connectProvider({ baseUrl: server.url, ticketId, token: await collabToken(again, ticketId) });
      await waitSynced(fresh);
      const recovered = fresh.doc.getText("log").toString();
      fresh.destroy();
      assert.ok(recovered.startsWith(seen), `recovered ${recovered.split(";").length - 1} edits; the reader had seen ${seenCount}`);
    } finally {
      await server?.stop("SIGKILL");
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test.run();
}

// [C-DUR-ORDER] The rule itself, deterministically: while the database cannot take the update, no
// other client receives it. A second connection holds a lock on the updates table.
const order = suite("stored before relayed");

order("an edit is not relayed while its write is blocked, and is relayed once it commits", async () => {
  const server = await startServer({ database: "postgres" });
  const schema = (await server.db.query<{ s: string }>("select current_schema() as s"))[0]!.s;
  const locker = postgres(`${(await import("../helpers/services.ts")).TEST_DATABASE_URL}`, { max: 1, connection: { search_path: schema }, onnotice: () => {} });
  let release: (() => void) | undefined;
  try {
    const tech1 = await loginAs(server.url, "tech1@caseroom.local");
    const ticketId = (await tech1.get("/api/tickets")).body.tickets[0].id as string;
    const token = await collabToken(tech1, ticketId);
    const writer = connectProvider({ baseUrl: server.url, ticketId, token });
    const reader = connectProvider({ baseUrl: server.url, ticketId, token });
    await Promise.all([waitSynced(writer), waitSynced(reader)]);
    const held = new Promise<void>((resolve) => (release = resolve));
    const locked = new Promise<void>((resolve) => {
      void locker.begin(async (tx) => {
        await tx.unsafe("lock table ticket_doc_updates in exclusive mode");
        resolve();
        await held;
      });
    });
    await locked;
    writer.doc.getText("log").insert(0, "blocked edit");
    // Give the server every chance to (wrongly) relay: wait until it is stuck in the write.
    const waiting = async () => (await server.db.query<{ n: number }>("select count(*)::int as n from pg_locks where not granted"))[0]!.n;
    await waitFor(async () => (await waiting()) > 0, { what: "the server's write waiting on the lock" });
    await new Promise((r) => setTimeout(r, 200));
    assert.is(reader.doc.getText("log").toString(), "", "nothing relayed before the write commits");
    release!();
    await waitFor(() => reader.doc.getText("log").toString() === "blocked edit", { what: "relayed after commit" });
    writer.destroy();
    reader.destroy();
  } finally {
    release?.();
    await locker.end({ timeout: 1 });
    await server.close();
  }
});

order.run();
