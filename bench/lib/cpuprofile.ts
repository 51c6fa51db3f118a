/** Summarises a .cpuprofile: self time by function, and by package (node_modules/<pkg>, app, node internals). */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

/** `fromMs`/`toMs`: only the samples in that window after the profile's start (e.g. leave out a process's start-up). */
export function summarise(file: string, top = 25, fromMs = 0, toMs = Infinity) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const self = new Map<number, number>();
  let at = 0;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at >= fromMs * 1000 && at <= toMs * 1000) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
    const pkg = m
      ? m[1]
      : url.includes('/apps/api/dist/')
        ? 'app (apps/api/dist)'
        : url.includes('/prisma/dist/')
          ? '@water/db'
          : url.startsWith('node:')
            ? 'node internals'
            : url
              ? url.split('/').slice(-2).join('/')
              : `(${n.callFrame.functionName || 'native'})`;
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  return { totalMs: Math.round(total / 1000), byPackage: fmt(byPkg), byFunction: fmt(byFn) };
}

if (require.main === module) {
  // cpuprofile.ts <file> [top] [from ms] [to ms]
  const s = summarise(process.argv[2], Number(process.argv[3] || 25), Number(process.argv[4] || 0), Number(process.argv[5] || Infinity));
  console.log(`total ${s.totalMs} ms sampled\n-- by package\n${s.byPackage.join('\n')}\n-- by function\n${s.byFunction.join('\n')}`);
}
