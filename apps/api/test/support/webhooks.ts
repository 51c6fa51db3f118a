import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the listener received. */
export interface WebhookCall {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP listener in the test process for the platform's webhooks: what it is sent, and what it answers. */
export interface WebhookListener {
  /** For an endpoint's `url`. */
  url: string;
  /** Every request received, in order. */
  calls: WebhookCall[];
  /** Statuses for the next requests, one each in order (then 200). */
  answers: number[];
  close(): Promise<void>;
}

export async function startWebhookListener(): Promise<WebhookListener> {
  const calls: WebhookCall[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
