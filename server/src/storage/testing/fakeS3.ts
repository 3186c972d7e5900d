// A small S3-compatible server for tests and benchmarks, speaking the wire protocol the official
// SDK uses: path-style PutObject, GetObject (with Range), HeadObject, DeleteObject and the
// multipart calls (CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload).
// Requests must carry a SigV4 Authorization header for the configured access key. Objects live in
// memory; tests read `objects` and `uploads` to prove that nothing was left behind.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Stored objects by key (without the bucket). */
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** Multipart uploads in progress, by upload id. */
  uploads: Map<string, { key: string; parts: Map<number, Buffer> }>;
  /** Every request seen, as "METHOD path?query". */
  requests: string[];
  close(): Promise<void>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const etagOf = (b: Buffer) => `"${createHash("md5").update(b).digest("hex")}"`;

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(xml(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeS3(options: { bucket?: string; accessKeyId?: string } = {}): Promise<FakeS3> {
  const bucket = options.bucket ?? "caseroom-test";
  const accessKeyId = options.accessKeyId ?? "FAKEACCESSKEY";
  const objects: FakeS3["objects"] = new Map();
  const uploads: FakeS3["uploads"] = new Map();
  const requests: string[] = [];

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
        await readBody(req);
        return sendError(res, 403, "InvalidAccessKeyId", "The AWS access key Id you provided does not exist in our records.");
      }
      const [, bucketName, ...rest] = url.pathname.split("/");
      const key = decodeURIComponent(rest.join("/"));
      if (bucketName !== bucket) {
        await readBody(req);
        return sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
      }
      const q = url.searchParams;
      const uploadId = q.get("uploadId");

      if (req.method === "POST" && q.has("uploads")) {
        const id = randomUUID();
        uploads.set(id, { key, parts: new Map() });
        res.writeHead(200, { "content-type": "application/xml" });
        return res.end(xml(`<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`));
      }
      if (req.method === "PUT" && uploadId) {
        const upload = uploads.get(uploadId);
        const body = await readBody(req);
        if (!upload) return sendError(res, 404, "NoSuchUpload", "The specified upload does not exist");
        upload.parts.set(Number(q.get("partNumber")), body);
        res.writeHead(200, { etag: etagOf(body) });
        return res.end();
      }
      if (req.method === "POST" && uploadId) {
        const upload = uploads.get(uploadId);
        const body = (await readBody(req)).toString("utf8");
        if (!upload) return sendError(res, 404, "NoSuchUpload", "The specified upload does not exist");
        const numbers = [...body.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        if (numbers.some((n) => !upload.parts.has(n))) return sendError(res, 400, "InvalidPart", "One or more of the specified parts could not be found");
        const data = Buffer.concat(numbers.map((n) => upload.parts.get(n)!));
        objects.set(upload.key, { body: data, contentType: "application/octet-stream" });
        uploads.delete(uploadId);
        res.writeHead(200, { "content-type": "application/xml" });
        return res.end(xml(`<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${upload.key}</Key><ETag>${etagOf(data)}</ETag></CompleteMultipartUploadResult>`));
      }
      if (req.method === "DELETE" && uploadId) {
        uploads.delete(uploadId);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === "PUT") {
        const body = await readBody(req);
        objects.set(key, { body, contentType: String(req.headers["content-type"] ?? "application/octet-stream") });
        res.writeHead(200, { etag: etagOf(body) });
        return res.end();
      }
      if (req.method === "GET" || req.method === "HEAD") {
        const object = objects.get(key);
        if (!object) {
          if (req.method === "HEAD") {
            res.writeHead(404);
            return res.end();
          }
          return sendError(res, 404, "NoSuchKey", "The specified key does not exist.");
        }
        const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
        const total = object.body.length;
        if (range && req.method === "GET") {
          const start = Number(range[1]);
          const end = Math.min(range[2] ? Number(range[2]) : total - 1, total - 1);
          const slice = object.body.subarray(start, end + 1);
          res.writeHead(206, { "content-type": object.contentType, "content-length": slice.length, "content-range": `bytes ${start}-${end}/${total}`, etag: etagOf(object.body) });
          return res.end(slice);
        }
        res.writeHead(200, { "content-type": object.contentType, "content-length": total, etag: etagOf(object.body), "accept-ranges": "bytes" });
        return res.end(req.method === "HEAD" ? undefined : object.body);
      }
      if (req.method === "DELETE") {
        objects.delete(key);
        res.writeHead(204);
        return res.end();
      }
      sendError(res, 405, "MethodNotAllowed", "The specified method is not allowed");
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, "InternalError", String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId,
    secretAccessKey: "fake-secret-access-key-for-tests-only",
    region: "us-east-1",
    objects,
    uploads,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
