/**
 * A/B of two API builds on one kept data set, interleaved so that both meet the same load (session 9,
 * issue 22): both builds run side by side, and rounds alternate A, B, B, A, … Prints each build's API
 * CPU per request (/proc/<pid>/stat) and, per mode, p50/p95 of sequential requests (`year`: a meter's
 * year of hours) or req/s and p99 of 100 concurrent users for 8 s a round (`history`, `live`).
 *
 *   BENCH_DATABASE_URL=<kept water_bench_*> flock /tmp/build.lock \
 *     npx tsx bench/ab-api.ts history <copy-of-build-A>/dist/main.js <copy-of-build-B>/dist/main.js 4
 */
import { cpuMs } from './b2-readings-api';
import { apiEnv, clearRedisPrefix, PORT_BASE, req, startNode, stats, uptime, waterDb } from './lib/common';

async function start(entry: string, port: number, label: string, url: string) {
  const base = `http://127.0.0.1:${port}`;
  const prefix = `bench:ab:${label}:${process.pid}`;
  const child = await startNode(
    entry,
    apiEnv(url, port, prefix, { DATABASE_POOL_SIZE: '20' }),
    async () => (await fetch(`${base}/api/health`)).ok,
  );
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'iot@una.net.tr', password: waterDb.SEED_PASSWORD }),
  });
  const token = ((await res.json()) as { accessToken: string }).accessToken;
  return { label, entry, base, token, child, prefix, lat: [] as number[], cpu: 0, n: 0, rps: [] as number[], p99: [] as number[] };
}

async function main() {
  const [mode, a, b, roundsArg] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 4);
  const url = process.env.BENCH_DATABASE_URL;
  if (!url || !a || !b || !['year', 'history', 'live'].includes(mode))
    throw new Error('usage: ab-api.ts year|history|live <entryA> <entryB> [rounds]');
  const pool = waterDb.createPool(url, { max: 1 });
  const meters = (await pool.query<{ id: string }>(`SELECT meter_id AS id FROM bench_fleet ORDER BY k`)).rows.map((r) => r.id);
  const end = (await pool.query<{ t: Date }>(`SELECT max(time) AS t FROM reading`)).rows[0].t;
  await pool.end();
  const builds = [await start(a, PORT_BASE + 90 - 2, 'A', url)];
  try {
    builds.push(await start(b, PORT_BASE + 90 - 1, 'B', url));
    const to = new Date(end.getTime() + 3_600_000);
    const from = new Date(to.getTime() - 365 * 86_400_000);
    const year = `/api/meters/${meters[Math.floor(meters.length / 2)]}/consumption?interval=hour&from=${from.toISOString()}&to=${to.toISOString()}`;
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const path = () =>
      mode === 'history'
        ? `/api/meters/${meters[rnd(meters.length)]}/readings?page=${1 + rnd(3)}`
        : `/api/readings/live?page=${1 + rnd(3)}`;
    const autocannon = req('autocannon');
    for (const s of builds)
      for (let i = 0; i < 10; i++)
        await fetch(s.base + (mode === 'year' ? year : path()), { headers: { authorization: `Bearer ${s.token}` } }).then((r) => r.text());
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 ? [...builds].reverse() : builds) {
        const before = cpuMs(s.child.proc.pid!);
        if (mode === 'year') {
          for (let i = 0; i < 20; i++) {
            const t0 = performance.now();
            await (await fetch(s.base + year, { headers: { authorization: `Bearer ${s.token}` } })).arrayBuffer();
            s.lat.push(performance.now() - t0);
          }
          s.n += 20;
        } else {
          const result = await autocannon({
            url: s.base,
            connections: 100,
            duration: 8,
            requests: [
              { method: 'GET', headers: { authorization: `Bearer ${s.token}` }, setupRequest: (r: object) => ({ ...r, path: path() }) },
            ],
          });
          s.n += result.requests.total;
          s.rps.push(Math.round(result.requests.average));
          s.p99.push(result.latency.p99);
        }
        s.cpu += cpuMs(s.child.proc.pid!) - before;
      }
      console.log(`round ${round} done [load ${uptime()}]`);
    }
    for (const s of builds) {
      const figures = s.lat.length
        ? `p50 ${stats(s.lat).p50} p95 ${stats(s.lat).p95} ms`
        : `req/s ${s.rps.join(' ')} (mean ${Math.round(s.rps.reduce((x, y) => x + y, 0) / s.rps.length)}), p99 ${s.p99.join(' ')} ms`;
      console.log(`${s.label} ${s.entry}: API CPU per request ${(s.cpu / s.n).toFixed(2)} ms over ${s.n}; ${figures}`);
    }
  } finally {
    for (const s of builds) {
      await s.child.stop();
      await clearRedisPrefix(s.prefix);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
