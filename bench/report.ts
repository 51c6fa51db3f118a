/** Prints the figures of a run (bench/results/run-*.json, newest by default) as a Markdown table for docs/benchmarks.md. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Figure } from './lib/common';

const dir = path.join(__dirname, 'results');
const file =
  process.argv[2] ??
  path.join(
    dir,
    readdirSync(dir)
      .filter((f) => f.startsWith('run-'))
      .sort()
      .pop()!,
  );
const run = JSON.parse(readFileSync(file, 'utf8')) as { at: string; figures: Figure[] };
const n = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));
console.log(`Run ${run.at} (${path.basename(file)})\n`);
console.log('| # | Figure | Value | Baseline (same run) | Ratio | Target | Load (1/5/15 min) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const f of run.figures) {
  const target = f.target ? `${f.target} ${f.met ? '**met**' : '**missed**'}` : '';
  const base = f.baseline ? `${f.baseline.name}: ${n(f.baseline.value)}` : '';
  console.log(
    `| ${f.bench} | ${f.metric}${f.note ? ` (${f.note})` : ''} | ${n(f.value)} ${f.unit} | ${base} | ${f.ratio ?? ''} | ${target} | ${f.load.replace('load ', '')} |`,
  );
}
