import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake vendor endpoint received: enough to assert the connector made exactly the expected calls. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
}

export interface FakeVendor {
  server: Server;
  /** http://127.0.0.1:<port>, for the operator's CUSTODY_VENDOR_BASE_URLS (never a tenant's connector config). */
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, ctx: { url: URL; base: string }) => void | Promise<void>;

/**
 * A stand-in for a vendor API on 127.0.0.1, port 0. The handler implements the vendor's endpoints
 * (and their auth); a thrown error answers 500, an unanswered request is the handler's bug.
 */
export function startFakeVendor(handler: FakeHandler): Promise<FakeVendor> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers });
    Promise.resolve()
      .then(() => handler(req, res, { url, base }))
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake vendor: ${(err as Error).message}`);
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}

/** Answers 200 with the bytes in 64 KiB chunks, as a real download arrives. */
export function sendBytes(res: ServerResponse, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
  for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.subarray(i, i + 64 * 1024));
  res.end();
}

export const sha256Hex = (body: Buffer): string => createHash('sha256').update(body).digest('hex');
