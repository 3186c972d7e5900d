// Attachments in a local folder (the embedded default). A put writes to a temporary file beside the
// target and renames it into place only when the whole stream arrived, so a failed or refused
// upload never leaves a partial file under its key.
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertKey, ObjectNotFound, type ByteRange, type ObjectInfo, type ObjectStore } from "./types.ts";

export function localStore(dir: string): ObjectStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    assertKey(key);
    return path.join(root, ...key.split("/"));
  };

  return {
    kind: "local",

    async put(key, body): Promise<ObjectInfo> {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomUUID()}.partial`;
      try {
        await pipeline(body, createWriteStream(tmp, { flags: "wx", mode: 0o600 }));
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { size: (await stat(file)).size };
    },

    async get(key, range?: ByteRange): Promise<Readable> {
      const file = fileOf(key);
      if (!(await this.head(key))) throw new ObjectNotFound(key);
      return createReadStream(file, range ? { start: range.start, end: range.end } : {});
    },

    async head(key) {
      try {
        const info = await stat(fileOf(key));
        return info.isFile() ? { size: info.size } : undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    },

    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}
