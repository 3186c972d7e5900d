// Two server processes sharing PostgreSQL and Redis: clients on either converge on one document;
// when one process dies, its clients reconnect to the other and converge again.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { collabToken, connectProvider, waitConverged, waitSynced, type NodeClient } from "../helpers/collab.ts";
import { freshPostgres } from "../helpers/databases.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { loginAs, waitFor } from "../helpers/server.ts";
import { requireRedis, TEST_REDIS_URL } from "../helpers/services.ts";

const test = suite("co-editing across two processes");

test("clients on two nodes converge, and after one node dies its clients converge through the other", async () => {
  await requireRedis();
  const pg = await freshPostgres();
  const env = { DATABASE_URL: `${pg.url}?search_path=${pg.schema}`, REDIS_URL: TEST_REDIS_URL, SEED_DEMO: "false", SESSION_SECRET: "multinode-secret-multinode-secret-0123" };
  const [a, b]: [ServerProcess, ServerProcess] = await Promise.all([spawnServer(env), spawnServer(env)]);
  const clients: NodeClient[] = [];
  try {
    const tech1 = await loginAs(a.url, "tech1@caseroom.local");
    const ticketId = (await tech1.get("/api/tickets")).body.tickets[0].id as string;
    const token = await collabToken(tech1, ticketId);
    // The clients of A fail over to B when A is gone, as behind a load balancer.
    let aAlive = true;
    const onA = () => (aAlive ? a.url : b.url);
    for (let i = 0; i < 3; i++) clients.push(connectProvider({ baseUrl: onA, ticketId, token }));
    for (let i = 0; i < 3; i++) clients.push(connectProvider({ baseUrl: b.url, ticketId, token }));
    await Promise.all(clients.map((c) => waitSynced(c)));

    clients.forEach((client, i) => {
      for (let n = 0; n < 30; n++) client.doc.getText("shared").insert(0, String(i));
      client.doc.getMap("cells").set(`c${i}`, i);
    });
    await waitConverged(clients.map((c) => c.doc));
    assert.is(clients[0]!.doc.getText("shared").length, 180);

    // A node that opens the document late (B's first client already has it open; a third node does
    // not exist, so use the projection path): a status set on A reaches the row and B's clients.
    clients[0]!.doc.getMap("fields").set("status", "pending");
    await waitFor(() => clients[5]!.doc.getMap("fields").get("status") === "pending", { what: "field change across nodes" });

    aAlive = false;
    await a.stop("SIGKILL");
    // A's clients notice, reconnect to B and keep editing; everyone converges again.
    for (const client of clients.slice(0, 3)) await waitFor(() => client.provider.wsconnected && client.provider.synced, { timeoutMs: 15_000, what: "failover to B" });
    clients.forEach((client, i) => client.doc.getText("after").insert(0, String(i)));
    await waitConverged(clients.map((c) => c.doc), 15_000);
    assert.is(clients[0]!.doc.getText("after").length, 6);
    assert.is(clients[0]!.doc.getText("shared").length, 180);
  } finally {
    for (const client of clients) client.destroy();
    await Promise.all([a.stop("SIGKILL"), b.stop()]);
    await pg.drop();
  }
});

test.run();
