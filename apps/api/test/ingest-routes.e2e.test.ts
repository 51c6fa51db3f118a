import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessGuard } from '../src/core/auth/access.guard';
import { TenantScopeInterceptor } from '../src/core/access/tenant-scope.interceptor';
import { makeIntegration, makeLoraDevices, makeUtilities, ttnUplink, type LoraDevice } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-ingest-routes-0123456789';

/**
 * The webhooks are served as plain Fastify routes (IngestWebhooks.serveWithoutNest, issue 14): Nest's guard and
 * interceptor never run for them, yet they answer exactly as the Nest routes did, and the Fastify hooks every route
 * has (hygiene, response headers, request metrics) still apply.
 */
describe('ingest routes without the Nest pipeline', () => {
  let t: TestApp;
  let devices: LoraDevice[];
  let ttn: { id: string; secret: string };
  let chirpstack: { id: string; secret: string };
  let fCnt = 1;

  const frame = (d: LoraDevice) => ttnUplink(d, { indexM3: d.last + fCnt / 1000, fCnt: fCnt++, at: new Date(Date.now() - 60_000) });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url, body, headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    t = await startTestApp('ingest-routes', { env: { METRICS_TOKEN } });
    const { a } = await makeUtilities(t);
    devices = await makeLoraDevices(t, { tenant: a, count: 3 });
    ttn = await makeIntegration(t, { tenant: a, kind: 'TTN' });
    chirpstack = await makeIntegration(t, { tenant: a, kind: 'CHIRPSTACK' });
  });
  afterAll(async () => t?.close());
  afterEach(() => vi.restoreAllMocks());

  it('skips Nest’s guard and interceptor for webhooks, not for the other routes', async () => {
    const guard = vi.spyOn(AccessGuard.prototype, 'canActivate');
    const scope = vi.spyOn(TenantScopeInterceptor.prototype, 'intercept');
    const res = await post(`/api/ingest/ttn/${ttn.id}`, frame(devices[0]), { 'x-integration-secret': ttn.secret });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    expect(guard).not.toHaveBeenCalled();
    expect(scope).not.toHaveBeenCalled();
    // The spies do see a route Nest serves.
    expect((await t.request({ url: '/api/health' })).status).toBe(200);
    expect(guard).toHaveBeenCalled();
  });

  it('takes the secret from the header, a Bearer token or ?token=, and answers a repeat as duplicate', async () => {
    const d = devices[1];
    const first = frame(d);
    expect((await post(`/api/ingest/ttn/${ttn.id}`, first, { authorization: `Bearer ${ttn.secret}` })).body).toEqual({
      status: 'accepted',
    });
    const again = await post(`/api/ingest/ttn/${ttn.id}?token=${encodeURIComponent(ttn.secret)}`, first);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ status: 'duplicate' });
    expect((await post(`/api/ingest/ttn/${ttn.id}?token=wrong`, frame(d))).status).toBe(401);
    // A repeated ?token= is not a secret.
    expect((await post(`/api/ingest/ttn/${ttn.id}?token=${ttn.secret}&token=${ttn.secret}`, frame(d))).status).toBe(401);
  });

  it('refuses a malformed id, a missing or malformed body and the wrong network with the usual error bodies', async () => {
    const badId = await post('/api/ingest/ttn/not-a-uuid', frame(devices[0]), { 'x-integration-secret': ttn.secret });
    expect(badId.status).toBe(400);
    expect(badId.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: '"not-a-uuid" is not a valid id',
      details: [{ path: ['id'], message: 'must be a UUID', code: 'badFormat' }],
    });
    const empty = await t.request({ method: 'POST', url: `/api/ingest/ttn/${ttn.id}`, headers: { 'x-integration-secret': ttn.secret } });
    expect(empty.status).toBe(400);
    expect(empty.body.statusCode).toBe(400);
    expect(empty.body.details.map((x: { path: string[] }) => x.path.join('.'))).toEqual(
      expect.arrayContaining(['end_device_ids', 'uplink_message']),
    );
    const bad = await post(
      `/api/ingest/ttn/${ttn.id}`,
      { end_device_ids: { dev_eui: 'xyz' }, uplink_message: {} },
      {
        'x-integration-secret': ttn.secret,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^end_device_ids\.dev_eui: /);
    const wrongKind = await post(
      `/api/ingest/sigfox/${ttn.id}`,
      { device: '1A2B3C', time: Math.floor(Date.now() / 1000), data: '00' },
      {
        'x-integration-secret': ttn.secret,
      },
    );
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({ statusCode: 400, message: 'this integration expects TTN uplinks, not SIGFOX', details: [] });
    const unknown = await post(`/api/ingest/ttn/${randomUUID()}`, frame(devices[0]), { 'x-integration-secret': ttn.secret });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'unknown integration or bad secret', details: [] });
    const nul = await post(`/api/ingest/ttn/${ttn.id}`, { ...frame(devices[0]), note: 'a\u0000b' }, { 'x-integration-secret': ttn.secret });
    expect(nul.status).toBe(400);
    expect(nul.body.details).toEqual([{ path: ['body', 'note'], message: 'must not contain a NUL character' }]);
  });

  it('answers ChirpStack’s other events 204 with no body, for the integration only', async () => {
    const join = await post(
      `/api/ingest/chirpstack/${chirpstack.id}?event=join`,
      { deviceInfo: { devEui: devices[0].eui } },
      {
        'x-integration-secret': chirpstack.secret,
      },
    );
    expect(join.status).toBe(204);
    expect(join.body).toBeUndefined();
    expect((await post(`/api/ingest/chirpstack/${chirpstack.id}?event=join`, {}, { 'x-integration-secret': ttn.secret })).status).toBe(401);
  });

  it('keeps the response headers and the request metrics of every route', async () => {
    const res = await post(`/api/ingest/ttn/${ttn.id}`, frame(devices[2]), { 'x-integration-secret': ttn.secret });
    expect(res.status).toBe(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const metrics = await t.request({ url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/ingest\/ttn\/:integrationId"[^}]*status="202"[^}]*\} [1-9]/,
    );
    expect(String(metrics.body)).toMatch(/ingest_uplinks_total\{[^}]*kind="TTN"[^}]*outcome="accepted"[^}]*\} [1-9]/);
  });
});
