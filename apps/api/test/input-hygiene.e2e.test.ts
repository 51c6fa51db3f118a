import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../src/core/database/database.service';
import { ErrorFilter } from '../src/core/http/error.filter';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/core/auth/jwt.strategy';
import { DEFAULT_PASSWORD, makeCustomer, makeDevice, makeMeter, makeSubscription, makeUtilities } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** An HS256 token signed with the test app's own secret: only its claims are under test. */
function sign(secret: string, claims: Record<string, unknown>): string {
  const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 300, ...claims })}`;
  return `${head}.${b64(createHmac('sha256', secret).update(head).digest())}`;
}

/** No answer may carry database text or the raw value that provoked it. */
function expectNoDatabaseText(body: unknown): void {
  const text = JSON.stringify(body);
  for (const leak of [
    'invalid input syntax',
    'for type uuid',
    '1=1',
    'violates',
    'relation "',
    'column "',
    'Prisma',
    'prisma',
    '22P02',
    'invalid byte sequence',
  ]) {
    expect(text, text).not.toContain(leak);
  }
}

describe('input hygiene', () => {
  let t: TestApp;
  let admin: string;
  let aski: string;
  let askiId: string;
  /** Utility A's administrator's e-mail. */
  let aEmail: string;

  beforeAll(async () => {
    t = await startTestApp('hygiene');
    const { a, b, rootAdmin, aAdmin } = await makeUtilities(t);
    [admin, aski] = [rootAdmin.token, aAdmin.token];
    askiId = a.id;
    aEmail = aAdmin.user.email;
    // Enough of every list that an unescaped wildcard would find more than the one record holding it.
    for (const tenant of [a, a, a, b]) {
      const customer = await makeCustomer(t, { tenant, address: true });
      const subscription = await makeSubscription(t, { tenant, customer, address: { id: customer.addressId!, tenantId: tenant.id } });
      await makeDevice(t, { tenant, meter: await makeMeter(t, { tenant, subscription }) });
    }
  });
  afterAll(async () => t?.close());

  it('names the part of the request a refusal is about: an unknown query key is the query’s, not the body’s', async () => {
    const query = await t.request({ url: '/api/meters?limit=1', token: admin });
    expect(query.status).toBe(400);
    expect(query.body.message).toMatch(/^query: /);
    const body = await t.request({ method: 'POST', url: '/api/customers', token: admin, body: { surprise: 1 } });
    expect(body.status).toBe(400);
    expect(body.body.message).not.toMatch(/^query: /);
    const hook = await t.request({ method: 'POST', url: '/api/ingest/ttn/00000000-0000-0000-0000-000000000000', body: [] });
    expect(hook.status).toBe(400);
    expect(hook.body.message).toMatch(/^body: /);
  });

  describe('NUL bytes are refused with 400 and the field’s path, on every route, before any query', () => {
    it('in a JSON body field (Zod-validated route)', async () => {
      const res = await t.request({ method: 'POST', url: '/api/definitions/meter-brands', token: admin, body: { name: 'Brand\u0000X' } });
      expect(res.status).toBe(400);
      expect(res.body.details[0].path).toEqual(['body', 'name']);
      expect(JSON.stringify(res.body)).not.toContain('\\u0000');
      expect(await t.sql(`SELECT 1 FROM meter_brand WHERE name LIKE 'Brand%'`)).toHaveLength(0);
    });

    it('in a nested body field and in an object key', async () => {
      const nested = await t.request({
        method: 'POST',
        url: '/api/customers',
        token: aski,
        body: { tenantId: askiId, type: 'INDIVIDUAL', name: 'Ali', surname: 'Veli', contacts: [{ name: 'ok' }, { name: 'Ay\u0000e' }] },
      });
      expect(nested.status).toBe(400);
      expect(nested.body.details[0].path).toEqual(['body', 'contacts', 1, 'name']);
      const key = await t.request({
        method: 'POST',
        url: '/api/definitions/meter-brands',
        token: admin,
        body: { name: 'Key brand', 'x\u0000': 1 },
      });
      expect(key.status).toBe(400);
      expect(key.body.details[0].path[0]).toBe('body');
    });

    it('in a body a controller parses by hand (ingest webhook)', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/integrations',
        token: admin,
        body: { tenantId: askiId, kind: 'GENERIC', name: 'hygiene generic' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const res = await t.request({
        method: 'POST',
        url: `/api/ingest/generic/${created.body.id}`,
        headers: { 'x-integration-secret': created.body.secret },
        body: { deviceId: '35\u00000000000000', payloadHex: '00' },
      });
      expect(res.status).toBe(400);
      expect(res.body.details[0].path).toEqual(['body', 'deviceId']);
    });

    it('in a query parameter (search) on lists of both query layers', async () => {
      for (const url of [
        '/api/customers',
        '/api/subscriptions',
        '/api/meters',
        '/api/devices',
        '/api/users',
        '/api/alarms',
        '/api/addresses',
      ]) {
        const res = await t.request({ url: `${url}?search=ab%00c`, token: admin });
        expect(res.status, url).toBe(400);
        expect(res.body.details[0].path, url).toEqual(['query', 'search']);
      }
    });

    it('in a path parameter, without echoing it', async () => {
      const res = await t.request({ url: '/api/customers/abc%00def', token: admin });
      expect(res.status).toBe(400);
      expect(res.body.details[0].path).toEqual(['params', 'id']);
      expect(JSON.stringify(res.body)).not.toContain('\\u0000');
    });

    it('in login credentials (public route)', async () => {
      const res = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: 'x\u0000y' } });
      expect(res.status).toBe(400);
      expect(res.body.details[0].path).toEqual(['body', 'password']);
    });
  });

  describe('request bodies are UTF-8 only', () => {
    it('refuses a body declared in another charset with 415 and stores nothing', async () => {
      for (const charset of ['iso-8859-1', 'ISO-8859-9', 'windows-1254', 'utf-16']) {
        const res = await t.request({
          method: 'POST',
          url: '/api/definitions/meter-brands',
          token: admin,
          headers: { 'content-type': `application/json; charset=${charset}` },
          body: Buffer.from(JSON.stringify({ name: 'Çağlayan ' + charset }), 'latin1'),
        });
        expect(res.status, charset).toBe(415);
        expect(res.body.error).toBe('Unsupported Media Type');
      }
      expect(await t.sql(`SELECT 1 FROM meter_brand WHERE name LIKE '%ağlayan%' OR name LIKE '%aÄ%'`)).toHaveLength(0);
    });

    it('refuses it on hand-parsed and public routes too', async () => {
      const login = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json; charset=latin1' },
        body: JSON.stringify({ email: aEmail, password: 'whatever' }),
      });
      expect(login.status).toBe(415);
      const ingest = await t.request({
        method: 'POST',
        url: `/api/ingest/generic/${randomUUID()}`,
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        body: JSON.stringify({ deviceId: '1', payloadHex: '00' }),
      });
      expect(ingest.status).toBe(415);
    });

    it('refuses bytes that are not valid UTF-8 with 400, accepts declared or implied UTF-8', async () => {
      const bad = await t.request({
        method: 'POST',
        url: '/api/definitions/meter-brands',
        token: admin,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ name: 'Çağlayan bad' }), 'latin1'),
      });
      expect(bad.status).toBe(400);
      for (const [i, ct] of ['application/json; charset=utf-8', 'application/json; charset="UTF-8"', 'application/json'].entries()) {
        const ok = await t.request({
          method: 'POST',
          url: '/api/definitions/meter-brands',
          token: admin,
          headers: { 'content-type': ct },
          body: Buffer.from(JSON.stringify({ name: `Çağlayan ${i}` }), 'utf8'),
        });
        expect(ok.status, ct).toBe(201);
        expect(ok.body.name).toBe(`Çağlayan ${i}`);
      }
    });
  });

  describe('LIKE wildcards in a search are taken literally', () => {
    const MARK = 'Zq%_\\9';
    let marked: Record<string, string>;

    beforeAll(async () => {
      const first = async (sql: string) => (await t.sql<{ id: string }>(sql))[0].id;
      marked = {
        customers: await first(
          `UPDATE customer SET name = name || '${MARK}' WHERE id = (SELECT id FROM customer WHERE tenant_id = '${askiId}' AND customer_type = 'INDIVIDUAL' ORDER BY id LIMIT 1) RETURNING id`,
        ),
        meters: await first(
          `UPDATE meter SET serial_no = serial_no || '${MARK}' WHERE id = (SELECT id FROM meter WHERE tenant_id = '${askiId}' ORDER BY id LIMIT 1) RETURNING id`,
        ),
        devices: await first(
          `UPDATE device SET serial_no = serial_no || '${MARK}' WHERE id = (SELECT id FROM device WHERE tenant_id = '${askiId}' ORDER BY id LIMIT 1) RETURNING id`,
        ),
        users: await first(`UPDATE app_user SET name = name || '${MARK}' WHERE email = '${aEmail}' RETURNING id`),
        'meter-profiles': await first(
          `UPDATE meter_profile SET model_code = model_code || '${MARK}' WHERE id = (SELECT id FROM meter_profile ORDER BY id LIMIT 1) RETURNING id`,
        ),
        'device-profiles': await first(
          `UPDATE device_profile SET model_code = model_code || '${MARK}' WHERE id = (SELECT id FROM device_profile ORDER BY id LIMIT 1) RETURNING id`,
        ),
        'definitions/meter-brands': await first(
          `UPDATE meter_brand SET name = name || '${MARK}' WHERE id = (SELECT id FROM meter_brand ORDER BY id LIMIT 1) RETURNING id`,
        ),
        addresses: await first(
          `UPDATE address SET street = coalesce(street, '') || '${MARK}' WHERE id = (SELECT id FROM address WHERE tenant_id = '${askiId}' ORDER BY id LIMIT 1) RETURNING id`,
        ),
      };
    });

    const ids = (body: { items: { id: string }[] }) => new Set(body.items.map((i) => i.id));
    /** A list also searches related records (a meter by its device's serial, a profile by its brand): those marks count too. */
    async function expected(list: string): Promise<Set<string>> {
      const also: Record<string, () => Promise<{ id: string }[]>> = {
        meters: () => t.sql(`SELECT meter_id AS id FROM device WHERE id = $1 AND meter_id IS NOT NULL`, [marked.devices]),
        devices: () => t.sql(`SELECT id FROM device WHERE meter_id = $1`, [marked.meters]),
        'meter-profiles': () => t.sql(`SELECT id FROM meter_profile WHERE brand_id = $1`, [marked['definitions/meter-brands']]),
      };
      return new Set([marked[list], ...((await also[list]?.()) ?? []).map((r) => r.id)]);
    }

    it.each(['customers', 'meters', 'devices', 'users', 'meter-profiles', 'device-profiles', 'definitions/meter-brands', 'addresses'])(
      '%s: "%", "_" and "\\" find only the record holding them',
      async (list) => {
        const want = await expected(list);
        expect(want.size, list).toBeLessThan(5);
        for (const search of ['%', '_', '%_', '\\', 'q%_\\9']) {
          const res = await t.request({ url: `/api/${list}?search=${encodeURIComponent(search)}&pageSize=200`, token: admin });
          expect(res.status, `${list} ${search}`).toBe(200);
          expect(ids(res.body), `${list} ${search}`).toEqual(want);
        }
        // The wildcard the user did not type is not one either: "Zq_" is not "Zq%".
        const other = await t.request({ url: `/api/${list}?search=${encodeURIComponent('Zq_%')}`, token: admin });
        expect(other.body.total, list).toBe(0);
      },
    );

    it('case-insensitive equality is literal too: duplicate checks and exact filters', async () => {
      // Prisma renders `equals` + `mode: 'insensitive'` as an unescaped ILIKE.
      const brand = (await t.sql<{ name: string }>(`SELECT name FROM device_brand WHERE name ~ '^[A-Za-z]{3,}$' ORDER BY name LIMIT 1`))[0]
        .name;
      const lookalike = `${brand.slice(0, 1)}_${brand.slice(2)}`;
      const created = await t.request({ method: 'POST', url: '/api/definitions/device-brands', token: admin, body: { name: lookalike } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const dup = await t.request({
        method: 'POST',
        url: '/api/definitions/device-brands',
        token: admin,
        body: { name: brand.toLowerCase() },
      });
      expect(dup.status).toBe(409);
      const city = await t.request({ url: `/api/addresses?city=${encodeURIComponent('%')}`, token: admin });
      expect(city.status).toBe(200);
      expect(city.body.total).toBe(0);
    });

    it('subscriptions: the customer, meter and address marks are found literally, nothing else', async () => {
      const res = await t.request({ url: `/api/subscriptions?search=${encodeURIComponent('%_')}&pageSize=200`, token: admin });
      expect(res.status).toBe(200);
      const expected = await t.sql<{ id: string }>(
        `SELECT DISTINCT s.id FROM subscription s LEFT JOIN subscription_meter sm ON sm.subscription_id = s.id AND sm.ended_at IS NULL
           WHERE s.customer_id = $1 OR sm.meter_id = $2 OR s.address_id = $3`,
        [marked.customers, marked.meters, marked.addresses],
      );
      expect(res.body.total).toBe(expected.length);
      expect(ids(res.body)).toEqual(new Set(expected.map((r) => r.id)));
    });
  });

  describe('database errors are never echoed', () => {
    it('a validly signed token whose subject is not a uuid is refused with 401, without database text', async () => {
      // Control: the real token's own claims, signed again here, are accepted.
      const claims = JSON.parse(Buffer.from(aski.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect((await t.request({ url: '/api/auth/me', token: sign(t.config.JWT_ACCESS_SECRET, claims) })).status).toBe(200);
      for (const sub of [`x' or 1=1--`, '1', '']) {
        const token = sign(t.config.JWT_ACCESS_SECRET, { ...claims, sub });
        const res = await t.request({ url: '/api/auth/me', token });
        expect(res.status, sub).toBe(401);
        expectNoDatabaseText(res.body);
        expect((await t.request({ url: '/api/customers', token })).status).toBe(401);
      }
      const badSession = sign(t.config.JWT_ACCESS_SECRET, { ...claims, sid: `x' or 1=1--` });
      const res = await t.request({ url: '/api/customers', token: badSession });
      expect(res.status).toBe(401);
      expectNoDatabaseText(res.body);
    });

    it('maps real PostgreSQL and Prisma data errors to a generic 400 without the raw value', async () => {
      const filter = new ErrorFilter();
      const database = t.app.get(DatabaseService);
      const raw = `x' or 1=1--`;
      const errors: unknown[] = [];
      for (const run of [
        () => database.pool.query('SELECT $1::uuid', [raw]),
        () => database.db.selectFrom('app_user').select('id').where('id', '=', raw).execute(),
        () => database.prisma.user.findUnique({ where: { id: raw } }),
        () => database.prisma.$queryRawUnsafe('SELECT $1::uuid', raw),
        () => database.pool.query('SELECT $1::int', ['12x']),
        () => database.pool.query('SELECT $1::text', ['a\u0000b']),
        () => database.pool.query(`SELECT '2025-13-45'::date`),
      ]) {
        errors.push(
          await run().then(
            () => new Error('no error'),
            (e: unknown) => e,
          ),
        );
      }
      for (const err of errors) {
        const body = filter.toBody(err);
        expect(body.statusCode, String(err)).toBe(400);
        expect(body.message).toBe('invalid value');
        expectNoDatabaseText(body);
        expect(JSON.stringify(body)).not.toContain('12x');
      }
    });

    it('a check-constraint failure names the rule, not the database’s sentence', async () => {
      const filter = new ErrorFilter();
      const database = t.app.get(DatabaseService);
      const err = await database.pool
        .query(`CREATE TEMP TABLE hygiene_check (n int CONSTRAINT n_positive CHECK (n > 0)); INSERT INTO hygiene_check VALUES (-1)`)
        .then(
          () => new Error('no error'),
          (e: unknown) => e,
        );
      const body = filter.toBody(err);
      expect(body.statusCode).toBe(400);
      expect(body.message).toContain('n_positive');
      expectNoDatabaseText(body);
    });
  });

  describe('caching and security headers', () => {
    it('auth answers and tenant data are never stored by caches', async () => {
      const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: 'wrong password' } });
      expect(login.headers['cache-control']).toBe('no-store');
      const tokens = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: aEmail, password: DEFAULT_PASSWORD } });
      expect(tokens.status).toBe(200);
      expect(tokens.headers['cache-control']).toBe('no-store');
      for (const url of [
        '/api/auth/me',
        '/api/customers',
        '/api/meters',
        '/api/dashboard/summary',
        '/api/customers/00000000-0000-4000-8000-000000000000',
      ]) {
        const res = await t.request({ url, token: aski });
        expect(res.headers['cache-control'], url).toBe('no-store');
      }
      // Even a refusal: it may come from a valid session.
      expect((await t.request({ url: '/api/customers' })).headers['cache-control']).toBe('no-store');
    });

    it('public API documentation may be cached', async () => {
      const doc = await t.request({ url: '/api/docs/openapi.json' });
      expect(doc.status).toBe(200);
      expect(doc.headers['cache-control']).not.toBe('no-store');
    });

    it('every API answer carries nosniff, no framing and no referrer; HSTS only over TLS', async () => {
      for (const [url, token] of [
        ['/api/customers', aski],
        ['/api/health', undefined],
        ['/api/nope', undefined],
        ['/api/docs/openapi.json', undefined],
      ] as const) {
        const res = await t.request({ url, token });
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
        expect(res.headers['referrer-policy'], url).toBe('no-referrer');
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
      expect((await t.request({ url: '/api/customers', token: aski })).headers['content-security-policy']).toContain("default-src 'none'");
    });

    it('sends HSTS on answers that came over TLS, as a trusted proxy reports it', async () => {
      const behindProxy = await startTestApp('hygiene_tls', { seed: 'none', env: { TRUST_PROXY: 'true' } });
      try {
        const tls = await behindProxy.request({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
        expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        expect((await behindProxy.request({ url: '/api/health' })).headers['strict-transport-security']).toBeUndefined();
        // Without TRUST_PROXY the header is the client's word, not the proxy's: no HSTS.
        expect(
          (await t.request({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security'],
        ).toBeUndefined();
      } finally {
        await behindProxy.close();
      }
    });
  });
});
