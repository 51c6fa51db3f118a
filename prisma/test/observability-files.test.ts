import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The Prometheus, alert and Grafana files under docker/ against the code: every metric their queries
 * name must be one the API or worker registers (apps/api/src/core/metrics/metrics.ts, prom-client's
 * default metrics), so renaming a metric breaks this test instead of a dashboard. With promtool
 * installed (Debian: apt-get install prometheus) the files also pass `promtool check config`,
 * `promtool check rules` and the alert unit tests in docker/prometheus/alerts.test.yml.
 */

const ROOT = resolve(__dirname, '../..');
const PROM_DIR = join(ROOT, 'docker/prometheus');
const GRAFANA_DIR = join(ROOT, 'docker/grafana');

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const yamlFile = (path: string) => parse(read(path), { merge: true });

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const prometheus = yamlFile('docker/prometheus/prometheus.yml');
const alerts: Rule[] = yamlFile('docker/prometheus/alerts.yml').groups.flatMap((g: { rules: Rule[] }) => g.rules);
const dashboard = JSON.parse(read('docker/grafana/dashboards/water.json'));
const compose = yamlFile('docker-compose.yml');

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
const panels: Panel[] = (dashboard.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
const dashboardQueries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Metric names the API and worker expose: metrics.ts's, histogram series included, and prom-client's defaults. */
function registeredMetrics(): Set<string> {
  const names = new Set<string>(['up']); // written by Prometheus for every target
  const source = read('apps/api/src/core/metrics/metrics.ts');
  const found = [...source.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'/g)];
  expect(found.length, 'metric definitions found in metrics.ts').toBeGreaterThanOrEqual(10);
  for (const [, type, name] of found) {
    names.add(name);
    if (type === 'Histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'Summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  const promClient = dirname(createRequire(join(ROOT, 'apps/api/package.json')).resolve('prom-client/package.json'));
  const defaultsDir = join(promClient, 'lib/metrics');
  for (const file of readdirSync(defaultsDir).filter((f) => f.endsWith('.js'))) {
    for (const [, name] of readFileSync(join(defaultsDir, file), 'utf8').matchAll(/'((?:nodejs|process)_[a-z0-9_]+)'/g)) {
      names.add(name);
      for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    }
  }
  expect(names.has('nodejs_eventloop_lag_p99_seconds'), "prom-client's default metric names were found").toBe(true);
  return names;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'Inf',
  'NaN',
]);

/** The metric names a PromQL expression selects (functions, labels, keywords, durations and strings left out). */
function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\d+[smhdwy]+/g, ' ');
  const out: string[] = [];
  for (const m of s.matchAll(/(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = s.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0])) continue;
    out.push(m[0]);
  }
  return out;
}

describe('metric names in alerts and dashboard', () => {
  const registered = registeredMetrics();

  it('the extractor finds the metrics of a query and nothing else', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(water_x_bucket{status=~"5..", route="a:b"}[$__rate_interval]))) / on() group_left(job) max without (instance) (up offset 15m) and bool 1e3',
      ),
    ).toEqual(['water_x_bucket', 'up']);
    expect(metricNames('deriv(max(water_queue_jobs{queue="uplinks"})[10m:1m]) > 0 or vector(0)')).toEqual(['water_queue_jobs']);
  });

  it('every alert expression names only registered metrics', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    for (const rule of alerts) {
      const names = metricNames(rule.expr);
      expect(names.length, `${rule.alert} selects some metric`).toBeGreaterThan(0);
      for (const n of names) expect(registered.has(n), `${rule.alert}: ${n} is not registered by the API or worker`).toBe(true);
    }
  });

  it('every dashboard query names only registered metrics', () => {
    expect(dashboardQueries.length).toBeGreaterThanOrEqual(20);
    for (const q of dashboardQueries) {
      const names = metricNames(q.expr);
      expect(names.length, `${q.panel}: ${q.expr}`).toBeGreaterThan(0);
      for (const n of names) expect(registered.has(n), `panel "${q.panel}": ${n} is not registered by the API or worker`).toBe(true);
    }
  });

  it('the dashboard shows what operators need', () => {
    const used = new Set(dashboardQueries.flatMap((q) => metricNames(q.expr)));
    for (const n of [
      'water_ingest_uplinks_total',
      'water_http_request_duration_seconds_count',
      'water_http_request_duration_seconds_bucket',
      'water_decode_duration_seconds_bucket',
      'water_decode_failures_total',
      'water_worker_uplinks_total',
      'water_worker_batch_uplinks_bucket',
      'water_worker_store_duration_seconds_bucket',
      'water_queue_jobs',
      'water_db_pool_connections',
      'water_live_clients',
      'water_live_events_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(used.has(n), `a dashboard panel uses ${n}`).toBe(true);
    }
  });
});

describe('alert rules', () => {
  it('cover ingest stopped, decode failures, queue backlog, event-loop lag and 5xx', () => {
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    for (const name of [
      'WaterIngestStopped',
      'WaterDecodeFailureRateHigh',
      'WaterUplinkQueueBacklogGrowing',
      'WaterUplinkQueueBacklogHigh',
      'WaterEventLoopLagHigh',
      'WaterHttp5xxRateHigh',
    ]) {
      const rule = byName.get(name);
      expect(rule, name).toBeDefined();
      expect(rule!.labels?.severity, `${name} severity`).toMatch(/^(warning|critical)$/);
      expect(rule!.annotations?.summary, `${name} summary`).toBeTruthy();
    }
    expect(byName.get('WaterIngestStopped')!.expr).toMatch(/\[15m\]/);
    expect(byName.get('WaterDecodeFailureRateHigh')!.expr).toMatch(/> 0\.05/);
    expect(byName.get('WaterEventLoopLagHigh')!.expr).toMatch(/nodejs_eventloop_lag_p99_seconds\) > 0\.2/);
    expect(byName.get('WaterHttp5xxRateHigh')!.expr).toMatch(/status=~"5\.\."[\s\S]*> 0\.01/);
  });
});

describe('Prometheus, Grafana and compose agree', () => {
  const job = (name: string) => prometheus.scrape_configs.find((s: { job_name: string }) => s.job_name === name);

  it('Prometheus scrapes the API and the worker with the bearer token, on the ports compose gives them', () => {
    expect(prometheus.rule_files).toContain('alerts.yml');
    const api = job('water-api');
    const worker = job('water-worker');
    expect(api.metrics_path).toBe('/api/metrics');
    expect(worker.metrics_path).toBe('/metrics');
    for (const j of [api, worker]) expect(j.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/water/metrics_token' });
    expect(api.dns_sd_configs[0]).toMatchObject({ names: ['api'], type: 'A', port: 3001 });
    expect(worker.dns_sd_configs[0]).toMatchObject({ names: ['worker'], type: 'A', port: 9464 });

    const s = compose.services;
    expect(s.api.environment.METRICS_TOKEN).toBe('${METRICS_TOKEN:-}');
    expect(s.api.environment.API_PORT).toBe('3001');
    expect(s.worker.environment.METRICS_TOKEN).toBe('${METRICS_TOKEN:-}');
    expect(s.worker.environment.WORKER_METRICS_PORT).toBe(String(worker.dns_sd_configs[0].port));
    expect(s.worker.environment.WORKER_METRICS_HOST).toBe('0.0.0.0');
    expect(s.worker.ports, 'the worker metrics port is not published').toBeUndefined();

    expect(s.prometheus.profiles).toEqual(['observability']);
    expect(s.grafana.profiles).toEqual(['observability']);
    expect(s.prometheus.image).toMatch(/prom\/prometheus:/);
    expect(s.grafana.image).toMatch(/grafana\/grafana:/);
    expect(s.prometheus.volumes).toContain('./docker/prometheus:/etc/prometheus:ro');
    expect(s.prometheus.tmpfs).toContain('/run/water');
    expect(s.prometheus.entrypoint.join('\n')).toContain('/run/water/metrics_token');
    expect(s.prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });

  it('Grafana provisions the Prometheus datasource and the dashboard folder compose mounts', () => {
    const ds = parse(readFileSync(join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yml'), 'utf8')).datasources;
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const providers = parse(readFileSync(join(GRAFANA_DIR, 'provisioning/dashboards/dashboards.yml'), 'utf8')).providers;
    const path = providers[0].options.path;
    const volumes: string[] = compose.services.grafana.volumes;
    expect(volumes).toContain(`./docker/grafana/dashboards:${path}:ro`);
    expect(volumes).toContain('./docker/grafana/provisioning:/etc/grafana/provisioning:ro');

    expect(dashboard.uid).toBe('water-platform');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
    for (const p of panels.filter((p) => p.type !== 'row')) {
      expect(p.datasource?.uid, `panel "${p.title}" uses the provisioned datasource`).toBe(ds[0].uid);
      expect(p.targets?.length, `panel "${p.title}" has queries`).toBeGreaterThan(0);
    }
  });
});

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = !promtool.error && promtool.status === 0;

describe.skipIf(!hasPromtool)('promtool (Debian package prometheus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'water-prom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const res = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
    return { status: res.status, out: `${res.stdout}${res.stderr}` };
  };

  it('check config: prometheus.yml with its rule file (the token file pointed at a temporary one)', () => {
    cpSync(PROM_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'metrics_token'), 'x'.repeat(32));
    const config = readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8').replaceAll(
      '/run/water/metrics_token',
      join(dir, 'metrics_token'),
    );
    expect(config).not.toContain('/run/water');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const res = run('check', 'config', 'prometheus.yml');
    expect(res.out).toContain('SUCCESS: 1 rule files found');
    expect(res.status, res.out).toBe(0);
  });

  it('check rules and the alert unit tests (each alert fires on its case, stays quiet on its near miss)', () => {
    const check = run('check', 'rules', join(PROM_DIR, 'alerts.yml'));
    expect(check.status, check.out).toBe(0);
    const test = run('test', 'rules', join(PROM_DIR, 'alerts.test.yml'));
    expect(test.status, test.out).toBe(0);
    expect(test.out).toContain('SUCCESS');
  });

  it("every dashboard query is valid PromQL (checked as recording rules, Grafana's $__rate_interval as 5m)", () => {
    const rules = dashboardQueries.map((q, i) => ({
      record: `water:dashboard_query_${i}`,
      expr: q.expr.replaceAll('$__rate_interval', '5m'),
    }));
    writeFileSync(join(dir, 'dashboard-queries.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const res = run('check', 'rules', 'dashboard-queries.yml');
    expect(res.status, res.out).toBe(0);
    expect(res.out).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
