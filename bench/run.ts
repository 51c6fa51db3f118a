/**
 * `pnpm bench` — runs the suite in the issue's priority order and prints every figure beside its
 * same-run baseline. Usage: pnpm bench [--only=B7,B4] [--meters=1200] [--days=365] [--samples=200]
 * (flags map to BENCH_* variables; see docs/benchmarks.md). Raw results: bench/results/*.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmt, log, machine, ROOT, uptime, type Figure, type Report } from './lib/common';

for (const arg of process.argv.slice(2)) {
  const m = arg.match(/^--([a-z-]+)=(.*)$/);
  if (m) process.env[`BENCH_${m[1].toUpperCase().replace(/-/g, '_')}`] = m[2];
}

const SUITE: [string, () => Promise<{ b(): Promise<Report> }>][] = [
  ['B7', async () => ({ b: (await import('./b7-seed')).b7 })],
  ['B4', async () => ({ b: (await import('./b4-history')).b4 })],
  ['B5', async () => ({ b: (await import('./b5-dashboard')).b5 })],
  ['B6', async () => ({ b: (await import('./b6-write-path')).b6 })],
  ['B2', async () => ({ b: (await import('./b2-readings-api')).b2 })],
  ['B1', async () => ({ b: (await import('./b1-ingest')).b1 })],
  ['B3', async () => ({ b: (await import('./b3-fanout')).b3 })],
  ['B8', async () => ({ b: (await import('./b8-import-export')).b8 })],
  ['B9', async () => ({ b: (await import('./b9-billing-run')).b9 })],
  ['B9-PDF', async () => ({ b: (await import('./b9-invoice-pdf')).b9pdf })],
  ['B9-STATEMENT', async () => ({ b: (await import('./b9-statement')).b9statement })],
  ['B10', async () => ({ b: (await import('./b10-notifications')).b10 })],
  ['B10-PORTAL', async () => ({ b: (await import('./b10-portal')).b10portal })],
  ['B11', async () => ({ b: (await import('./b11-lighthouse')).b11 })],
];

async function main() {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toUpperCase());
  const selected = SUITE.filter(([name]) => !only || only.includes(name));
  log(`bench: ${selected.map(([n]) => n).join(', ')} on ${JSON.stringify(machine())} [${uptime()}]`);
  const { retainDataset, releaseDataset } = await import('./lib/dataset');
  // B4, B5, B2 and B10-PORTAL share one large data set: hold it until the last of them is done.
  const shares = selected.some(([n]) => ['B4', 'B5', 'B2', 'B10-PORTAL'].includes(n));
  if (shares) retainDataset();
  const figures: Figure[] = [];
  const failures: string[] = [];
  for (const [name, load] of selected) {
    try {
      const { b } = await load();
      figures.push(...(await b()).figures);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/Cannot find module/.test(msg)) log(`${name}: not implemented yet`);
      else {
        failures.push(`${name}: ${msg}`);
        log(`${name} FAILED: ${(e as Error).stack}`);
      }
    }
  }
  if (shares) await releaseDataset();
  log('summary');
  for (const f of figures) {
    const base = f.baseline ? ` | ${f.baseline.name}: ${fmt(f.baseline.value)} | ratio ${f.ratio}` : '';
    const tgt = f.target ? ` | target ${f.target} ${f.met ? 'MET' : 'MISSED'}` : '';
    process.stdout.write(`  ${f.bench} ${f.metric}: ${fmt(f.value)} ${f.unit}${base}${tgt} | ${f.load}\n`);
  }
  const file = path.join(ROOT, `bench/results/run-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: machine(),
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
        figures,
        failures,
      },
      null,
      2,
    ),
  );
  log(`bench: all figures in ${path.relative(ROOT, file)}`);
  if (failures.length) process.exitCode = 1;
}

void main();
