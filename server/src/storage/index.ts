// Where attachment bytes live: S3 when S3_* is configured, else a local folder (STORAGE_DIR).
import type { Config } from "../config/index.ts";
import { localStore } from "./local.ts";
import { s3Store } from "./s3.ts";
import type { ObjectStore } from "./types.ts";

export { localStore } from "./local.ts";
export { s3Store, type S3StoreConfig } from "./s3.ts";
export { ObjectNotFound, type ByteRange, type ObjectInfo, type ObjectStore } from "./types.ts";

export function createObjectStore(config: Pick<Config, "storage">): ObjectStore {
  return config.storage.s3 ? s3Store(config.storage.s3) : localStore(config.storage.dir);
}
