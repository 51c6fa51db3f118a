/**
 * B11 — first load and accessibility of the console (issue 21): Lighthouse (npm) drives Debian's Chromium
 * against the BUILT console (apps/web/.output) and API (apps/api/dist) on a seeded database, signed in as
 * the root operator (signed in inside the same Chromium before Lighthouse drives it). For the
 * dashboard, the live readings page and a create form (/meters/new), desktop and mobile (Lighthouse's
 * presets: desktop unthrottled-ish, mobile with simulated slow 4G and a 4x slower CPU), it reports the
 * performance and accessibility scores and the JavaScript transferred on first load (compressed bytes on
 * the wire). Targets: performance ≥ 90 desktop / ≥ 75 mobile on the dashboard and live readings,
 * accessibility 100 on all three, JS ≤ 350 KB. Scores depend on the machine's load: each figure carries it.
 * It builds what is missing (BENCH_BUILD=1 rebuilds both), so run it under `flock /tmp/build.lock`.
 * BENCH_B11_RUNS (1): runs per page and form factor, the median score is kept. BENCH_B11_PAGES: a comma
 * list of paths instead of the three. BENCH_B11_FORM_FACTORS: `mobile` or `desktop` for one of them.
 * BENCH_B11_LHR_DIR: a folder to keep each run's full Lighthouse report (JSON) in, for its diagnostics.
 * Map tiles are off (no network here; the tile server is not ours).
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  PORT_BASE,
  ROOT,
  apiEnv,
  createBenchDb,
  ensureApiBuild,
  env,
  log,
  Report,
  sleep,
  startNode,
  waterDb,
  type Child,
} from './lib/common';

const WEB_DIR = path.join(ROOT, 'apps/web');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEFAULT_PAGES = ['/', '/readings', '/meters/new'];
/** Pages the performance targets apply to (a create form has an accessibility target only). */
const PERFORMANCE_PAGES = new Set(['/', '/readings']);
const JS_BUDGET = 350 * 1024;

type FormFactor = 'desktop' | 'mobile';

interface PageRun {
  performance: number;
  accessibility: number;
  jsBytes: number;
  jsFiles: number;
  /** Failed accessibility audits (id: title), to know what to fix. */
  a11yFailures: string[];
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  speedIndexMs: number;
  /** The 1-minute load average when the run ended (Lighthouse's scores measure a shared CPU). */
  load: number;
  /** When the first dashboard map request started, ms after navigation start (the dashboard only). */
  mapRequestMs?: number;
}

function ensureWebBuild() {
  if (process.env.BENCH_BUILD === '1' || !existsSync(path.join(WEB_DIR, '.output/server/index.mjs'))) {
    log('building apps/web (nuxt build)');
    execSync('pnpm --filter @water/web build', { cwd: ROOT, stdio: 'inherit' });
  }
}

async function waitForOk(url: string, what: string, child?: Child) {
  const end = Date.now() + 60_000;
  for (;;) {
    if (child && child.proc.exitCode !== null) throw new Error(`${what} exited ${child.proc.exitCode}: ${child.stderr()}`);
    const ok = await fetch(url, { redirect: 'manual' }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`${what} did not answer ${url} in 60 s`);
    await sleep(250);
  }
}

/**
 * Signs the browser in through the console's own session route (the same call as its login form), so the
 * httpOnly session cookies live in Chromium's cookie jar: Lighthouse keeps cookies between runs, and token
 * refreshes during a run land there too (a fixed Cookie header would go stale).
 */
async function signInBrowser(chromePort: number, webBase: string) {
  const { chromium } = createRequire(path.join(WEB_DIR, 'package.json'))('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chromePort}`);
  try {
    const page = await browser.contexts()[0]!.newPage();
    await page.goto(`${webBase}/login`);
    const status = await page.evaluate(
      async ([email, password]) =>
        (
          await fetch('/api/session/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          })
        ).status,
      ['iot@una.net.tr', waterDb.SEED_PASSWORD] as const,
    );
    if (status < 200 || status > 299) throw new Error(`console sign-in failed: ${status}`);
    await page.close();
  } finally {
    // Connected over CDP: this only disconnects; the browser and its cookies stay.
    await browser.close();
  }
}

/** Debian's Chromium with a DevTools port for Lighthouse to drive. */
async function startChromium(port: number) {
  const profile = mkdtempSync(path.join(tmpdir(), 'b11-chromium-'));
  const proc = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${port}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  const end = Date.now() + 30_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (proc.exitCode !== null) throw new Error(`chromium exited ${proc.exitCode}`);
    if (Date.now() > end) throw new Error('chromium did not open its DevTools port in 30 s');
    await sleep(200);
  }
  return {
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface NetworkItem {
  url: string;
  resourceType?: string;
  transferSize?: number;
  networkRequestTime?: number;
}

let lhrRuns = 0;

async function audit(url: string, port: number, formFactor: FormFactor): Promise<PageRun> {
  const { default: lighthouse } = await import('lighthouse');
  const config = formFactor === 'desktop' ? (await import('lighthouse/core/config/desktop-config.js')).default : undefined;
  const result = await lighthouse(
    url,
    {
      port,
      logLevel: 'error',
      output: 'json',
      onlyCategories: ['performance', 'accessibility'],
    },
    config,
  );
  if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`lighthouse ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const final = lhr.finalDisplayedUrl;
  if (new URL(final).pathname !== new URL(url).pathname) throw new Error(`lighthouse ${url} ended on ${final} (signed out?)`);
  const dir = process.env.BENCH_B11_LHR_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const name = `${++lhrRuns}-${formFactor}-${new URL(url).pathname.replace(/\W+/g, '_')}.json`;
    writeFileSync(path.join(dir, name), JSON.stringify(lhr));
  }
  const items = ((lhr.audits['network-requests']?.details as { items?: NetworkItem[] } | undefined)?.items ?? []) as NetworkItem[];
  const scripts = items.filter((i) => i.resourceType === 'Script');
  const mapRequest = items.find((i) => i.url.includes('/api/dashboard/map'));
  const a11y = lhr.categories.accessibility;
  const a11yFailures = a11y.auditRefs
    .filter((ref) => ref.weight > 0 && lhr.audits[ref.id]?.score !== null && (lhr.audits[ref.id]?.score ?? 1) < 1)
    .map((ref) => `${ref.id}: ${lhr.audits[ref.id].title}`);
  return {
    performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
    accessibility: Math.round((a11y.score ?? 0) * 100),
    jsBytes: scripts.reduce((sum, i) => sum + (i.transferSize ?? 0), 0),
    jsFiles: scripts.length,
    a11yFailures,
    fcpMs: lhr.audits['first-contentful-paint']?.numericValue ?? NaN,
    lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? NaN,
    tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? NaN,
    cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN,
    speedIndexMs: lhr.audits['speed-index']?.numericValue ?? NaN,
    load: loadavg()[0]!,
    mapRequestMs: mapRequest?.networkRequestTime,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export async function b11() {
  const report = new Report('B11');
  const runs = env('BENCH_B11_RUNS', 1);
  const pages = process.env.BENCH_B11_PAGES?.split(',').map((p) => p.trim()) ?? DEFAULT_PAGES;
  const formFactors = (['desktop', 'mobile'] as const).filter((f) => (process.env.BENCH_B11_FORM_FACTORS ?? f).includes(f));
  ensureApiBuild();
  ensureWebBuild();
  const apiPort = PORT_BASE + 110;
  const webPort = PORT_BASE + 111;
  const chromePort = PORT_BASE + 112;
  const apiBase = `http://127.0.0.1:${apiPort}`;
  const webBase = `http://127.0.0.1:${webPort}`;
  const prefix = `bench:b11:${process.pid}`;
  const db = await createBenchDb('b11');
  const stops: (() => Promise<void>)[] = [];
  try {
    const pool = waterDb.createPool(db.url, { max: 4 });
    await waterDb.seed(pool, { readingDays: 3 });
    await pool.end();
    const api = await startNode(
      'dist/main.js',
      apiEnv(db.url, apiPort, prefix, { TRUST_PROXY: 'true', CORS_ORIGINS: webBase, PUBLIC_URL: webBase }),
      async () => (await fetch(`${apiBase}/api/health`)).ok,
    );
    stops.push(api.stop);
    const web = await startNode(path.join(WEB_DIR, '.output/server/index.mjs'), {
      NODE_ENV: 'production',
      PORT: String(webPort),
      HOST: '127.0.0.1',
      NUXT_API_BASE: apiBase,
      NUXT_PUBLIC_LIVE_URL: apiBase,
      NUXT_SESSION_COOKIE_SECURE: 'false',
      NUXT_PUBLIC_MAP_TILES_URL: '',
    });
    stops.push(web.stop);
    await waitForOk(`${webBase}/login`, 'console', web);
    const chromium = await startChromium(chromePort);
    stops.push(chromium.stop);
    await signInBrowser(chromePort, webBase);

    for (const page of pages) {
      for (const formFactor of formFactors) {
        const results: PageRun[] = [];
        for (let i = 0; i < runs; i++) results.push(await audit(webBase + page, chromePort, formFactor));
        const perf = median(results.map((r) => r.performance));
        const a11y = median(results.map((r) => r.accessibility));
        const last = results[results.length - 1];
        const perfTarget = formFactor === 'desktop' ? 90 : 75;
        const name = `${page} ${formFactor}`;
        report.add({
          metric: `${name} performance`,
          value: perf,
          unit: 'score',
          ...(PERFORMANCE_PAGES.has(page) ? { target: `≥ ${perfTarget}`, met: perf >= perfTarget } : {}),
          // Every run's figures: the median score hides how far LCP and TBT move between runs.
          note: results
            .map(
              (r) =>
                `${r.performance} (FCP ${Math.round(r.fcpMs)}, LCP ${Math.round(r.lcpMs)}, TBT ${Math.round(r.tbtMs)} ms, ` +
                `CLS ${r.cls.toFixed(3)}, SI ${Math.round(r.speedIndexMs)} ms, load ${r.load.toFixed(1)}` +
                `${r.mapRequestMs !== undefined ? `, map request at ${Math.round(r.mapRequestMs)} ms` : ''})`,
            )
            .join('; '),
        });
        report.add({
          metric: `${name} accessibility`,
          value: a11y,
          unit: 'score',
          target: '100',
          met: a11y === 100,
          note: last.a11yFailures.length ? last.a11yFailures.join('; ') : undefined,
        });
        report.add({
          metric: `${name} JS transferred`,
          value: Math.round(last.jsBytes / 1024),
          unit: 'KB',
          target: '≤ 350',
          met: last.jsBytes <= JS_BUDGET,
          note: `${last.jsFiles} files`,
        });
        report.extra[name] = results;
      }
    }
    report.write();
    return report;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await db.drop();
  }
}
