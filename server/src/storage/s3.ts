// Attachments in any S3-compatible store (AWS S3, MinIO, Ceph, R2...), through the official SDK.
// Uploads are streamed as multipart (lib-storage's Upload): at most queueSize × partSize bytes are
// in memory however large the file, and a failed upload aborts its multipart upload.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import { assertKey, ObjectNotFound, type ObjectStore } from "./types.ts";

export interface S3StoreConfig {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket, e.g. "caseroom/". */
  prefix?: string;
}

const PART_SIZE = 5 * 1024 * 1024; // S3's minimum part size
const QUEUE_SIZE = 2;

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
};

export function s3Store(config: S3StoreConfig): ObjectStore {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // S3-compatible stores are addressed by path (http://host/bucket/key); virtual-host names need DNS.
    forcePathStyle: true,
    // Checksums only where S3 requires them: several S3-compatible stores refuse the newer headers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = config.bucket;
  const keyOf = (key: string) => {
    assertKey(key);
    return `${config.prefix ?? ""}${key}`;
  };

  return {
    kind: "s3",

    async put(key, body, { contentType }) {
      const Key = keyOf(key);
      let size = 0;
      body.on("data", (chunk: Buffer) => (size += chunk.length));
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: body, ContentType: contentType },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        // The multipart upload is aborted by lib-storage; a small body may have gone up as one PUT.
        await client.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => {});
        throw err;
      }
      return { size };
    },

    async get(key, range) {
      try {
        const res = await client.send(
          new GetObjectCommand({ Bucket, Key: keyOf(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
        );
        return res.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw new ObjectNotFound(key);
        throw err;
      }
    },

    async head(key) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
        return { size: Number(res.ContentLength ?? 0) };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
  };
}
