// [STORE] One contract, run against every ObjectStore: the local folder and S3 (the official SDK
// against a local server speaking the S3 wire protocol, server/src/storage/testing/fakeS3.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { localStore, ObjectNotFound, s3Store, type ObjectStore } from "../../server/src/storage/index.ts";
import { startFakeS3, type FakeS3 } from "../../server/src/storage/testing/fakeS3.ts";

interface Ctx {
  store: ObjectStore;
  /** Keys (or files) left in the backing store, to prove failed puts leave nothing. */
  leftovers(): string[];
  close(): Promise<void>;
  s3?: FakeS3;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A stream of `total` bytes in 64 KiB chunks that fails after `failAfter` bytes, if given. */
function generated(total: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error("client went away"));
      if (sent >= total) return this.push(null);
      const n = Math.min(65536, total - sent);
      sent += n;
      this.push(Buffer.alloc(n, sent % 251));
    },
  });
}

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));

const backends: Record<string, () => Promise<Ctx>> = {
  local: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "caseroom-store-"));
    return { store: localStore(dir), leftovers: () => walk(dir), close: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  s3: async () => {
    const s3 = await startFakeS3();
    const store = s3Store({ endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
    return { store, s3, leftovers: () => [...s3.objects.keys(), ...[...s3.uploads.values()].map((u) => `multipart:${u.key}`)], close: () => s3.close() };
  },
};

for (const [name, make] of Object.entries(backends)) {
  const test = suite<Ctx>(`object store contract: ${name}`);
  test.before(async (ctx) => {
    Object.assign(ctx, await make());
  });
  test.after(async (ctx) => ctx.close());

  test("[STORE-1] put, head, get and a byte range return what was stored", async ({ store }) => {
    const data = randomBytes(300_000);
    const info = await store.put("org1/t1/a", Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), { contentType: "application/pdf" });
    assert.is(info.size, data.length);
    assert.equal(await store.head("org1/t1/a"), { size: data.length });
    assert.ok((await readAll(await store.get("org1/t1/a"))).equals(data));
    assert.ok((await readAll(await store.get("org1/t1/a", { start: 1000, end: 1999 }))).equals(data.subarray(1000, 2000)));
  });

  test("[STORE-2] delete removes; an absent object is undefined on head, ObjectNotFound on get, and deleting it again is fine", async ({ store }) => {
    await store.put("org1/t1/b", Readable.from([Buffer.from("hello")]), { contentType: "text/plain" });
    await store.delete("org1/t1/b");
    assert.is(await store.head("org1/t1/b"), undefined);
    try {
      await store.get("org1/t1/b");
      assert.unreachable("get of a deleted object");
    } catch (err) {
      assert.instance(err, ObjectNotFound);
    }
    await store.delete("org1/t1/b");
  });

  test("[STORE-3] a stream that fails leaves nothing under the key (small, and large enough for multipart)", async (ctx) => {
    const before = ctx.leftovers().length;
    for (const [key, total, failAfter] of [["org1/t1/small", 200_000, 100_000], ["org1/t1/large", 30_000_000, 12_000_000]] as const) {
      try {
        await ctx.store.put(key, generated(total, failAfter), { contentType: "video/mp4" });
        assert.unreachable("a failed stream was stored");
      } catch (err) {
        assert.match(String(err), /client went away/);
      }
      assert.is(await ctx.store.head(key), undefined, key);
    }
    assert.equal(ctx.leftovers().length, before, `left behind: ${ctx.leftovers().join(", ")}`);
  });

  test("[STORE-4] a 20 MB stream is stored whole", async (ctx) => {
    const info = await ctx.store.put("org1/t1/big", generated(20_000_000), { contentType: "video/mp4" });
    assert.is(info.size, 20_000_000);
    assert.equal(await ctx.store.head("org1/t1/big"), { size: 20_000_000 });
    const tail = await readAll(await ctx.store.get("org1/t1/big", { start: 19_999_990, end: 19_999_999 }));
    assert.is(tail.length, 10);
    if (ctx.s3) assert.ok(ctx.s3.requests.some((r) => r.startsWith("POST /caseroom-test/org1/t1/big?uploads")), "went up as multipart");
    await ctx.store.delete("org1/t1/big");
  });

  test("[STORE-5] keys that could escape the folder or prefix are refused", async ({ store }) => {
    for (const key of ["../etc/passwd", "/abs", "a/../../b", "a//b", "A/B", ""]) {
      try {
        await store.put(key, Readable.from([Buffer.from("x")]), { contentType: "text/plain" });
        assert.unreachable(key);
      } catch (err) {
        assert.match(String(err), /invalid storage key/, key);
      }
    }
  });

  test.run();
}
