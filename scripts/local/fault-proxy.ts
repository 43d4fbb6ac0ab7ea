/**
 * A small HTTP proxy in front of a local AWS stand-in (DynamoDB Local, s3rver) that injects the
 * faults real services produce: throttling answers, connections reset mid-body, requests dropped
 * while the service is "down", and delays. The clients under test talk real HTTP to it; nothing
 * in the SDK is mocked. `decide` sees each request and picks its fate.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/bucket/uploads/x.csv` or `/`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** DynamoDB operation from X-Amz-Target (`BatchWriteItem`, `PutItem` …); undefined for S3. */
  operation?: string;
  /** 1-based count of requests seen so far with this operation (or method + path for S3). */
  n: number;
}

export type Fault =
  | { kind: 'pass' }
  /** Answer 400 ProvisionedThroughputExceededException without forwarding. */
  | { kind: 'throttle' }
  /** Forward, send the status, headers and the first `bytes` of the body, then reset the connection. */
  | { kind: 'reset-after'; bytes: number }
  /** Reset the connection without answering (the service is down). */
  | { kind: 'drop' }
  /** Forward after `ms`. */
  | { kind: 'delay'; ms: number };

export interface FaultProxy {
  endpoint: string;
  /** Every request seen, in order, with the fault applied. */
  log: { operation?: string; method: string; url: string; fault: Fault['kind'] }[];
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string, decide: (r: ProxiedRequest) => Fault | undefined): Promise<FaultProxy> {
  const target = new URL(upstream);
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const log: FaultProxy['log'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const amzTarget = req.headers['x-amz-target'];
      const operation = typeof amzTarget === 'string' ? amzTarget.split('.').at(-1) : undefined;
      const counter = operation ?? `${req.method} ${req.url}`;
      const n = (counts.get(counter) ?? 0) + 1;
      counts.set(counter, n);
      const fault = decide({ method: req.method!, url: req.url!, headers: req.headers, operation, n }) ?? { kind: 'pass' };
      log.push({ operation, method: req.method!, url: req.url!, fault: fault.kind });
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'throttle') {
        const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded (injected)' });
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ProvisionedThroughputExceededException', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      const upstreamReq = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault.kind !== 'reset-after') {
          up.pipe(res);
          return;
        }
        let sent = 0;
        up.on('data', (c: Buffer) => {
          if (sent >= fault.bytes) return;
          const part = c.subarray(0, fault.bytes - sent);
          sent += part.length;
          res.write(part, () => {
            if (sent >= fault.bytes) {
              up.destroy();
              res.socket?.destroy();
            }
          });
        });
        up.on('end', () => res.end());
      });
      upstreamReq.on('error', () => res.socket?.destroy());
      upstreamReq.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
