/**
 * B10 — notification fan-out (issue 19): BENCH_B10_ALARMS (10,000) leak alarms, each on the meter of another
 * customer with a portal account, queued as the alarm path queues them (one notify job per alarm on the
 * notifications queue), handled by the built worker: each customer stored an in-app notification (pushed to
 * the account's Socket.io room) and e-mailed through an SMTP server in this process (smtp-server, the same
 * library as the API's tests). Measured from the first job queued to the last e-mail received; target ≤ 60 s.
 * Data: the brief's seed, then in SQL one customer, subscription, meter (with its meter history) and
 * portal account per alarm in the first tenant. A quick check: BENCH_B10_ALARMS=1000.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  PORT_BASE,
  REDIS_URL,
  apiEnv,
  createBenchDb,
  ensureApiBuild,
  env,
  log,
  now,
  profileArgs,
  profiledScript,
  profiling,
  Report,
  req,
  sleep,
  startNode,
  waterDb,
} from './lib/common';

/** The built worker, relative to apps/api: dist (nest build), or BENCH_B10_DIST (a build of one's own, e.g. .test-build/b10). */
const DIST = process.env.BENCH_B10_DIST ?? 'dist';

export async function b10() {
  const report = new Report('B10');
  const count = env('BENCH_B10_ALARMS', 10_000);
  if (!process.env.BENCH_B10_DIST) ensureApiBuild();
  const db = await createBenchDb('b10');
  const pool = waterDb.createPool(db.url, { max: 4 });
  const prefix = `bench:b10:${process.pid}`;
  const port = PORT_BASE + 100;
  const { SMTPServer } = req('smtp-server') as typeof import('smtp-server');
  const { Queue } = req('bullmq') as typeof import('bullmq');
  const IORedis = req('ioredis');
  let received = 0;
  let lastMailAt = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // The worker keeps a pool of connections: accept them all.
    maxClients: 100,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        lastMailAt = now();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  let worker: Awaited<ReturnType<typeof startNode>> | undefined;
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('notifications', { connection: redis, prefix: `${prefix}:bull` });
  try {
    await waterDb.seed(pool, { readingDays: 1 });
    const [tenant] = (
      await pool.query<{ id: string; name: string }>(`SELECT id, name FROM tenant WHERE parent_id IS NOT NULL ORDER BY name LIMIT 1`)
    ).rows;
    const t0 = now();
    const c = await pool.connect();
    try {
      // Bulk rows as the owner, triggers and foreign-key checks off for the load (consistent by construction).
      await c.query(`SET session_replication_role = replica`);
      await c.query(
        `CREATE TABLE bench_b10 AS
         SELECT k, gen_random_uuid() AS customer_id, gen_random_uuid() AS subscription_id, gen_random_uuid() AS meter_id
           FROM generate_series(1, $1::int) k`,
        [count],
      );
      await c.query(
        `INSERT INTO customer (id, tenant_id, customer_type, name, surname)
         SELECT customer_id, $1, 'INDIVIDUAL', 'Abone', 'B10-' || k FROM bench_b10`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO subscription (id, tenant_id, customer_id, subscription_no, subscription_type, group_id)
         SELECT b.subscription_id, $1, b.customer_id, 'B10-' || lpad(k::text, 7, '0'), 'INDIVIDUAL', g.id
           FROM bench_b10 b, (SELECT id FROM subscription_group WHERE code = 'NORMAL' LIMIT 1) g`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO meter (id, tenant_id, meter_profile_id, brand_id, serial_no, initial_index_m3, installed_at, status, communication_module, has_valve, valve_state)
         SELECT b.meter_id, $1, m.meter_profile_id, m.brand_id, 'B10-' || k, 0, m.installed_at, 'ACTIVE', m.communication_module, m.has_valve, m.valve_state
           FROM bench_b10 b, (SELECT * FROM meter LIMIT 1) m`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO subscription_meter (tenant_id, subscription_id, meter_id, started_at)
         SELECT $1, subscription_id, meter_id, now() - interval '60 days' FROM bench_b10`,
        [tenant.id],
      );
      await c.query(
        `INSERT INTO portal_account (tenant_id, customer_id, email, password_hash, language)
         SELECT $1, customer_id, 'b10-' || k || '@example.test', 'not-a-hash', CASE WHEN k % 4 = 0 THEN 'en' ELSE 'tr' END FROM bench_b10`,
        [tenant.id],
      );
      await c.query(`SET session_replication_role = DEFAULT`);
      await c.query(`ANALYZE customer; ANALYZE subscription; ANALYZE subscription_meter; ANALYZE meter; ANALYZE portal_account`);
    } finally {
      c.release();
    }
    const meters = (
      await pool.query<{ meter_id: string; subscription_id: string }>(`SELECT meter_id, subscription_id FROM bench_b10 ORDER BY k`)
    ).rows;
    log(
      `B10 data: ${count} customers with a portal account, a subscription and a meter in ${tenant.name} in ${((now() - t0) / 1000).toFixed(1)} s`,
    );

    // BENCH_PROFILE=1: the worker under --cpu-prof (bench/results/profiles).
    worker = await startNode(
      profiling() ? profiledScript(`${DIST}/worker.js`) : `${DIST}/worker.js`,
      apiEnv(db.url, port, prefix, { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, PUBLIC_URL: 'https://su.example.test' }),
      undefined,
      profiling() ? profileArgs('b10-worker') : [],
    );
    await sleep(3000);

    // As AlarmsService.notify queues them: one NotifyEvent job per alarm.
    const startedAt = new Date().toISOString();
    const t1 = now();
    for (let i = 0; i < meters.length; i += 1000)
      await queue.addBulk(
        meters.slice(i, i + 1000).map((m) => ({
          name: 'notify-event',
          data: {
            event: 'alarm.opened',
            payload: {
              id: randomUUID(),
              tenantId: tenant.id,
              type: 'LEAK',
              deviceId: null,
              meterId: m.meter_id,
              subscriptionId: m.subscription_id,
              startedAt,
              clearedAt: null,
            },
            at: startedAt,
          },
          opts: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { count: 1000 } },
        })),
      );
    const queuedMs = now() - t1;
    let storedMs = 0;
    for (;;) {
      if (!storedMs) {
        const [{ n }] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification WHERE portal_account_id IS NOT NULL`))
          .rows;
        if (n >= count) storedMs = now() - t1;
      }
      if (received >= count) break;
      if (worker.proc.exitCode !== null) throw new Error(`worker exited ${worker.proc.exitCode}: ${worker.stderr()}`);
      if (now() - t1 > 600_000) throw new Error(`not done in 600 s: ${received} e-mails received`);
      await sleep(200);
    }
    const seconds = (lastMailAt - t1) / 1000;
    const [check] = (
      await pool.query<{ notifications: number; in_app: number; sent: number }>(
        `SELECT count(DISTINCT n.id)::int AS notifications,
                count(*) FILTER (WHERE d.channel = 'IN_APP')::int AS in_app,
                count(*) FILTER (WHERE d.channel = 'EMAIL' AND d.status = 'SENT')::int AS sent
           FROM notification n JOIN notification_delivery d ON d.notification_id = n.id WHERE n.portal_account_id IS NOT NULL`,
      )
    ).rows;
    log(
      `B10: ${count} alarms queued in ${(queuedMs / 1000).toFixed(1)} s, all stored in-app after ${(storedMs / 1000).toFixed(1)} s, ` +
        `${received} e-mails received after ${seconds.toFixed(1)} s (${JSON.stringify(check)})`,
    );
    if (check.notifications !== count || check.in_app !== count)
      throw new Error(`expected ${count} notifications in-app: ${JSON.stringify(check)}`);
    report.add({
      metric: `${count} leak alarms to their customers, queued to the last e-mail received (e-mail + in-app each)`,
      value: seconds,
      unit: 's',
      target: '≤ 60 s',
      met: seconds <= 60,
    });
    report.add({ metric: 'fan-out: queued to every notification stored and pushed in-app', value: storedMs / 1000, unit: 's' });
    report.add({ metric: 'e-mails per second (end to end)', value: received / seconds, unit: 'e-mails/s' });
    report.write();
  } finally {
    await worker?.stop();
    await queue.close();
    redis.disconnect();
    await new Promise((r) => smtp.close(() => r(undefined)));
    await pool.end();
    await db.drop();
  }
  return report;
}
