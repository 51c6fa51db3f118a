import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInstallation, makeMembership, makeMeter, makeReading, makeUser, makeUtilities, tokenFor } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('exports', () => {
  let t: TestApp;
  let u: Awaited<ReturnType<typeof makeUtilities>>;
  let mine: Awaited<ReturnType<typeof makeInstallation>>;
  let theirs: Awaited<ReturnType<typeof makeInstallation>>;
  const base = Date.UTC(2025, 5, 1, 9, 0, 0);

  beforeAll(async () => {
    t = await startTestApp('exports');
    u = await makeUtilities(t);
    mine = await makeInstallation(t, { tenant: u.a });
    theirs = await makeInstallation(t, { tenant: u.b });
    for (let i = 0; i < 30; i++)
      await makeReading(t, { device: mine.device, time: new Date(base + i * 3_600_000), indexM3: 10 + i * 0.125 });
    await makeReading(t, { device: theirs.device, time: new Date(base), indexM3: 5 });
    await makeMeter(t, { tenant: u.a, serialNo: '=HYPERLINK("http://x")' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('streams the Live Readings list as CSV with ISO times, newest first, only the caller’s tenants', async () => {
    const res = await get(`/api/exports/readings?format=csv&meterId=${mine.meter.id}`, u.aAdmin.token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="readings-.*\.csv"/);
    const lines = res.body.trim().split('\r\n');
    expect(lines).toHaveLength(31);
    const header = lines[0]!.split(',');
    const time = header.indexOf('time');
    const index = header.indexOf('indexM3');
    expect(lines[1]!.split(',')[time]).toBe(new Date(base + 29 * 3_600_000).toISOString());
    expect(lines[1]!.split(',')[index]).toBe('13.625');
    const all = await get('/api/exports/readings', u.aAdmin.token);
    expect(all.body).not.toContain(theirs.meter.serialNo);
  });

  it('writes XLSX with date cells in the tenant zone and number cells', async () => {
    const res = await get(`/api/exports/readings?format=xlsx&locale=tr&meterId=${mine.meter.id}`, u.aAdmin.token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const row = (ws.getRow(2).values as unknown[]).slice(1);
    const time = row[header.indexOf('time')] as Date;
    expect(time).toBeInstanceOf(Date);
    // 29 hours after 09:00 UTC on 1 June is 14:00 UTC on 2 June, 17:00 in Istanbul.
    expect(time.toISOString()).toBe('2025-06-02T17:00:00.000Z');
    expect(ws.getRow(2).getCell(header.indexOf('time') + 1).numFmt).toBe('dd.mm.yyyy hh:mm:ss');
    expect(row[header.indexOf('indexM3')]).toBe(13.625);
    expect(ws.rowCount).toBe(31);
  });

  it('exports the meters list with its filters, guarding cells against formula injection', async () => {
    const res = await get('/api/exports/meters?format=csv&sort=serialNo', u.aAdmin.token);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(res.body).toContain(mine.meter.serialNo);
    expect(res.body).not.toContain(theirs.meter.serialNo);
    const header = res.body.split('\r\n')[0]!;
    expect(header).toContain('brand.name');
    for (const list of ['devices', 'customers', 'subscriptions', 'alarms'])
      expect((await get(`/api/exports/${list}?format=xlsx&locale=en`, u.aAdmin.token)).statusCode).toBe(200);
  });

  it('answers 400 for a filter its list refuses and 404 for another tenant, before any byte', async () => {
    expect((await get('/api/exports/meters?format=pdf', u.aAdmin.token)).statusCode).toBe(400);
    expect((await get('/api/exports/meters?sort=nope', u.aAdmin.token)).statusCode).toBe(400);
    expect((await get('/api/exports/readings?meterId=x', u.aAdmin.token)).statusCode).toBe(400);
    expect((await get(`/api/exports/meters?tenantId=${u.b.id}`, u.aAdmin.token)).statusCode).toBe(404);
    expect((await get(`/api/exports/readings?meterId=${theirs.meter.id}`, u.aAdmin.token)).statusCode).toBe(404);
  });

  it('exports a consumption table: a row a bucket, the total and a column per device', async () => {
    const from = new Date(base).toISOString();
    const to = new Date(base + 6 * 3_600_000).toISOString();
    const res = await get(`/api/exports/consumption/meters/${mine.meter.id}?from=${from}&to=${to}&interval=hour`, u.aAdmin.token);
    expect(res.statusCode).toBe(200);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^bucketStart,totalM3,estimatedM3,device /);
    expect(lines).toHaveLength(7);
    expect(lines[2]!.split(',').slice(0, 2)).toEqual([new Date(base + 3_600_000).toISOString(), '0.125']);
    const sub = await get(
      `/api/exports/consumption/subscriptions/${mine.subscription.id}?from=${from}&to=${to}&interval=day&format=xlsx`,
      u.aAdmin.token,
    );
    expect(sub.statusCode).toBe(200);
    expect((await get(`/api/exports/consumption/meters/${theirs.meter.id}?from=${from}&to=${to}`, u.aAdmin.token)).statusCode).toBe(404);
    expect((await get(`/api/exports/consumption/meters/${mine.meter.id}?interval=week`, u.aAdmin.token)).statusCode).toBe(400);
  });

  it('needs the list’s permission', async () => {
    const user = await makeUser(t);
    await makeMembership(t, { user, tenant: u.a, permissions: { CUSTOMERS: 'r' } });
    const token = await tokenFor(t, user);
    expect((await get('/api/exports/readings', token)).statusCode).toBe(403);
    expect((await get('/api/exports/meters', token)).statusCode).toBe(403);
    expect((await get('/api/exports/customers', token)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/exports/customers' })).statusCode).toBe(401);
  });
});
