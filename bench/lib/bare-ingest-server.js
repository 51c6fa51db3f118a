// Baseline for B1: a bare Fastify route that does only the Redis enqueue. It takes the same TTN webhook,
// builds the same uplink envelope and queues it as the API does (BullMQ, batched: INGEST_BATCH_WAIT_MS or
// INGEST_BATCH_MAX uplinks a job, the reply sent once its batch is in Redis), with no secret, device
// lookup, de-duplication claim, hygiene, metrics or Nest. Its queue lives under its own prefix, which no
// worker reads. argv: port, Redis URL, key prefix.
const { randomUUID } = require('node:crypto');
const api = (name) => require(require.resolve(name, { paths: [process.env.API_DIR] }));
const Fastify = api('fastify');
const { Queue } = api('bullmq');
const IORedis = api('ioredis');

const [port, redisUrl, prefix] = process.argv.slice(2);
const WAIT_MS = Number(process.env.INGEST_BATCH_WAIT_MS || 10);
const MAX = Number(process.env.INGEST_BATCH_MAX || 500);
const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
const queue = new Queue('uplinks', { connection, prefix: `${prefix}:bull` });

let pending = null;
function flush() {
  const p = pending;
  if (!p) return;
  pending = null;
  clearTimeout(p.timer);
  queue.add('process-uplinks', { uplinks: p.uplinks }, { removeOnComplete: { count: 1000 } }).then(p.resolve, p.reject);
}
function add(uplink) {
  if (!pending) {
    let resolve, reject;
    const done = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    pending = { uplinks: [], done, resolve, reject, timer: setTimeout(flush, WAIT_MS) };
  }
  const p = pending;
  p.uplinks.push(uplink);
  if (p.uplinks.length >= MAX) flush();
  return p.done;
}

const app = Fastify({ genReqId: () => randomUUID() });
app.post('/api/ingest/ttn/:integrationId', async (req, reply) => {
  const b = req.body;
  const m = b.uplink_message;
  const receivedAt = m.received_at ?? b.received_at ?? new Date().toISOString();
  const rx = m.rx_metadata?.[0];
  await add({
    receivedAt,
    deviceTime: receivedAt,
    fPort: m.f_port ?? 0,
    fCnt: m.f_cnt ?? 0,
    payloadHex: Buffer.from(m.frm_payload ?? '', 'base64').toString('hex'),
    rx: rx ? { rssi: rx.rssi, snr: rx.snr, gatewayCount: 1 } : null,
    source: 'ttn',
    requestId: req.id,
    deviceId: b.end_device_ids.dev_eui,
    tenantId: req.params.integrationId,
    integrationId: req.params.integrationId,
  });
  reply.code(202);
  return { status: 'accepted' };
});
app.get('/health', async () => ({ ok: true }));
app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  flush();
  void app
    .close()
    .then(() => queue.close())
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
