import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  identifiersFor,
  makeDevice,
  makeDeviceProfile,
  makeInstallation,
  makeMembership,
  makeMeter,
  makeMeterProfile,
  makeSubscription,
  validTaxId,
  validTcIdNo,
  makeUser,
  makeUtilities,
  tokenFor,
} from './support/factories';
import { connectLive } from './support/live';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';
import { ImportRetention } from '../src/modules/imports/import-retention.service';
import { multipart } from './support/multipart';

/** Local wall time in Europe/Istanbul (UTC+3, no DST since 2016) as DD.MM.YYYY HH:mm. */
function dotted(d: Date): string {
  const l = new Date(d.getTime() + 3 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(l.getUTCDate())}.${p(l.getUTCMonth() + 1)}.${l.getUTCFullYear()} ${p(l.getUTCHours())}:${p(l.getUTCMinutes())}`;
}

describe('imports: readings', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let u: Awaited<ReturnType<typeof makeUtilities>>;
  let tokenA: string;
  let tokenB: string;
  let mine: Awaited<ReturnType<typeof makeInstallation>>;
  let theirs: Awaited<ReturnType<typeof makeInstallation>>;
  // Whole hours a few days back, so the rows fall on known local days.
  const base = new Date(Math.floor((Date.now() - 3 * 86_400_000) / 3_600_000) * 3_600_000);
  const at = (h: number) => new Date(base.getTime() + h * 3_600_000);

  beforeAll(async () => {
    t = await startTestApp('imports', { listen: true, env: { IMPORT_MAX_BYTES: '200000', IMPORT_BATCH_ROWS: '50' } });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    u = await makeUtilities(t);
    tokenA = u.aAdmin.token;
    tokenB = u.bAdmin.token;
    mine = await makeInstallation(t, { tenant: u.a, initialIndexM3: 100 });
    theirs = await makeInstallation(t, { tenant: u.b });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const upload = async (token: string, file: string, content: Buffer | string, query = '') => {
    const { body, headers } = multipart(file, content);
    return t.request({ method: 'POST', url: `/api/imports/readings${query}`, token, body, headers });
  };
  const finished = (token: string, id: string) =>
    until(async () => {
      const res = await t.request({ url: `/api/imports/${id}`, token });
      return ['DONE', 'FAILED'].includes(res.body.status) ? res.body : null;
    }, 30_000);
  const imported = async () => Number((await t.sql(`SELECT count(*) AS n FROM reading WHERE source = 'CSV_IMPORT'`))[0].n);

  const good = () =>
    [
      'Sayaç Seri No;Tarih;Endeks',
      `${mine.meter.serialNo};${dotted(at(0))};100,000`,
      `${mine.meter.serialNo};${dotted(at(1))};100,250`,
      `${mine.meter.serialNo};${dotted(at(2))};100,75`,
      `${mine.meter.serialNo};${dotted(at(2))};100,750`,
    ].join('\r\n');

  it('checks a file in a dry run, writes nothing, then writes it when confirmed; rollups and meter follow', async () => {
    const res = await upload(tokenA, 'okuma.csv', good());
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'READINGS', dryRun: true, status: 'QUEUED', tenantId: u.a.id, format: 'CSV' });
    const dry = await finished(tokenA, res.body.id);
    expect(dry).toMatchObject({
      status: 'DONE',
      totalRows: 4,
      createdRows: 3,
      unchangedRows: 1,
      failedRows: 0,
      usedDelimiter: ';',
      usedEncoding: 'utf-8',
    });
    expect(await imported()).toBe(0);

    const confirm = await t.request({ method: 'POST', url: `/api/imports/${dry.id}/confirm`, token: tokenA });
    expect(confirm.status).toBe(202);
    const real = await finished(tokenA, confirm.body.id);
    expect(real).toMatchObject({ status: 'DONE', dryRun: false, createdRows: 3, unchangedRows: 1, failedRows: 0 });
    const rows = await t.sql(
      `SELECT index_m3::float AS i, consumption_m3::float AS c, subscription_id FROM reading WHERE device_id = $1 AND source = 'CSV_IMPORT' ORDER BY time`,
      [mine.device.id],
    );
    expect(rows.map((r) => [r.i, r.c])).toEqual([
      [100, null],
      [100.25, 0.25],
      [100.75, 0.5],
    ]);
    expect(rows.every((r) => r.subscription_id === mine.subscription.id)).toBe(true);
    // Judged by the meter-data rules as ingest's readings are, then the meter's imported range revalidated.
    expect(
      (await t.sql(`SELECT DISTINCT quality FROM reading WHERE device_id = $1 AND source = 'CSV_IMPORT'`, [mine.device.id])).map(
        (r) => r.quality,
      ),
    ).toEqual(['VALID']);
    const [daily] = await t.sql(
      `SELECT sum(consumption_m3)::float AS m3, sum(reading_count)::int AS n FROM meter_daily_consumption WHERE meter_id = $1`,
      [mine.meter.id],
    );
    expect(daily).toEqual({ m3: 0.75, n: 3 });
    const [tenantDaily] = await t.sql(`SELECT sum(consumption_m3)::float AS m3 FROM tenant_daily_consumption WHERE tenant_id = $1`, [
      u.a.id,
    ]);
    expect(tenantDaily.m3).toBe(0.75);
    const [meter] = await t.sql(`SELECT last_index_m3::float AS i FROM meter WHERE id = $1`, [mine.meter.id]);
    expect(meter.i).toBe(100.75);
  });

  it('tells the tenant’s watchers how the job goes, and nobody else', async () => {
    const [liveA, liveB] = await Promise.all([connectLive(t.url, tokenA), connectLive(t.url, tokenB)]);
    try {
      const res = await upload(tokenA, 'okuma.csv', good());
      const done = await liveA.waitFor(
        (e) => e.name === 'import.progress' && e.payload.jobId === res.body.id && e.payload.status === 'DONE',
      );
      expect(done.payload).toMatchObject({ tenantId: u.a.id, kind: 'READINGS', dryRun: true, totalRows: 4, failedRows: 0, phase: null });
      await new Promise((r) => setTimeout(r, 300));
      expect(liveB.events.some((e) => e.name === 'import.progress')).toBe(false);
    } finally {
      liveA.socket.disconnect();
      liveB.socket.disconnect();
    }
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await t.sql(`SELECT * FROM meter_daily_consumption WHERE meter_id = $1 ORDER BY day`, [mine.meter.id]);
    const res = await upload(tokenA, 'okuma.csv', good(), '?dryRun=false');
    const job = await finished(tokenA, res.body.id);
    expect(job).toMatchObject({ status: 'DONE', createdRows: 0, unchangedRows: 4, failedRows: 0 });
    expect(await imported()).toBe(3);
    expect(await t.sql(`SELECT * FROM meter_daily_consumption WHERE meter_id = $1 ORDER BY day`, [mine.meter.id])).toEqual(before);
  });

  it('reports every bad row of a windows-1254 file and writes nothing, another tenant’s meter included', async () => {
    const text = [
      'Sayaç Seri No;Okuma Tarihi;Endeks',
      `${mine.meter.serialNo};${dotted(at(5))};101,5`,
      `${theirs.meter.serialNo};${dotted(at(5))};5`,
      `NOSUCH-1;${dotted(at(5))};5`,
      `${mine.meter.serialNo};31.02.2025 10:00;102`,
      `${mine.meter.serialNo};${dotted(at(6))};abc`,
      `${mine.meter.serialNo};${dotted(at(1))};999`,
      `${mine.meter.serialNo};${dotted(at(5))};101,6`,
      `${mine.meter.serialNo};"${dotted(at(7))};103`,
    ].join('\r\n');
    const res = await upload(tokenA, 'eski-sistem.csv', iconv.encode(text, 'windows-1254'), '?dryRun=false');
    expect(res.status).toBe(202);
    const job = await finished(tokenA, res.body.id);
    expect(job.status).toBe('FAILED');
    expect(job.usedEncoding).toBe('windows-1254');
    expect(job.message).toMatch(/rows have errors: nothing was written/);
    expect(await imported()).toBe(3);
    expect(Number((await t.sql(`SELECT count(*) AS n FROM reading WHERE device_id = $1`, [theirs.device.id]))[0].n)).toBe(0);

    const report = await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenA });
    expect(report.status).toBe(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(report.body).trim().split('\r\n');
    expect(lines[0]).toBe('row,column,message');
    const text2 = lines.join('\n');
    expect(text2).toMatch(new RegExp(`3,meter_serial,no meter with serial number ${theirs.meter.serialNo}`));
    expect(text2).toMatch(/4,meter_serial,no meter with serial number NOSUCH-1/);
    expect(text2).toMatch(/5,time,"?""31\.02\.2025 10:00"" is not a valid date/);
    expect(text2).toMatch(/6,index,"?""abc"" is not a number/);
    expect(text2).toMatch(/7,index,a reading with index 100\.25 is stored/);
    expect(text2).toMatch(/8,index,row 2 gives this device and time the index 101\.5/);
    expect(text2).toMatch(/9,,the row cannot be read/);
  });

  it('fails a file without the needed columns, naming them', async () => {
    const res = await upload(tokenA, 'wrong.csv', 'sayi,when\nX,2025-01-01\n');
    const job = await finished(tokenA, res.body.id);
    expect(job.status).toBe('FAILED');
    expect(job.message).toMatch(/missing columns: time, index, meter_serial or device/);
  });

  it('fails a file that is not valid UTF-8 when told it is', async () => {
    const res = await upload(
      tokenA,
      'bad.csv',
      iconv.encode(`meter_serial,time,index\n${mine.meter.serialNo}ş,2025-01-01T00:00:00Z,1\n`, 'windows-1254'),
      '?encoding=utf-8',
    );
    const job = await finished(tokenA, res.body.id);
    expect(job.status).toBe('FAILED');
    expect(job.message).toMatch(/not valid UTF-8.*windows-1254/);
  });

  it('reads XLSX with date and number cells, by device identifier', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Okumalar');
    ws.addRow(['Device', 'Time', 'Index m3']);
    ws.addRow([mine.device.serialNo, `${at(10).toISOString()}`, 110.5]);
    const local = new Date(at(11).getTime() + 3 * 3_600_000);
    ws.addRow([mine.device.serialNo, local, 111]);
    ws.getCell('B3').numFmt = 'dd.mm.yyyy hh:mm';
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(tokenA, 'okuma.xlsx', buf);
    expect(res.body.format).toBe('XLSX');
    const job = await finished(tokenA, res.body.id);
    expect(job).toMatchObject({ status: 'DONE', totalRows: 2, createdRows: 2, failedRows: 0 });
  });

  it('refuses an XLSX that unpacks far beyond its size (zip bomb) before reading it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(['device', 'time', 'index']);
    ws.addRow(['A'.repeat(3_000_000), '2025-01-01T00:00:00Z', 1]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 9 } } } as never));
    const res = await upload(tokenA, 'bomb.xlsx', buf);
    const job = await finished(tokenA, res.body.id);
    expect(job.status).toBe('FAILED');
    expect(job.message).toMatch(/zip bomb|unpacks/);
  });

  it('cuts off an upload past IMPORT_MAX_BYTES with 413 and keeps nothing', async () => {
    const files = Number((await t.sql(`SELECT count(*) AS n FROM import_file`))[0].n);
    const res = await upload(tokenA, 'huge.csv', 'meter_serial,time,index\n' + 'x,2025-01-01T00:00:00Z,1\n'.repeat(20_000));
    expect(res.status).toBe(413);
    expect(Number((await t.sql(`SELECT count(*) AS n FROM import_file`))[0].n)).toBe(files);
  });

  it('answers 4xx for a request that is not an upload, an empty file or a bad option', async () => {
    expect((await t.request({ method: 'POST', url: '/api/imports/readings', token: tokenA, body: { a: 1 } })).status).toBe(415);
    expect((await upload(tokenA, 'empty.csv', '')).status).toBe(400);
    expect((await upload(tokenA, 'x.csv', good(), '?encoding=latin-7')).status).toBe(400);
    expect((await upload(tokenA, 'x.csv', good(), `?tenantId=${u.b.id}`)).status).toBe(404);
  });

  it('keeps jobs to those who may see them and imports to those who may update meters', async () => {
    const res = await upload(tokenA, 'okuma.csv', good());
    const job = await finished(tokenA, res.body.id);
    expect((await t.request({ url: `/api/imports/${job.id}`, token: tokenB })).status).toBe(404);
    expect((await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenB })).status).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/imports/${job.id}/confirm`, token: tokenB })).status).toBe(404);
    const list = await t.request({ url: '/api/imports?kind=READINGS', token: tokenB });
    expect(list.body.items.every((j: { tenantId: string }) => j.tenantId === u.b.id)).toBe(true);
    expect((await t.request({ url: '/api/imports', token: tokenA })).body.items.some((j: { id: string }) => j.id === job.id)).toBe(true);

    const reader = await makeUser(t);
    await makeMembership(t, { user: reader, tenant: u.a, permissions: { METERS: 'r' } });
    const readerToken = await tokenFor(t, reader);
    expect((await upload(readerToken, 'okuma.csv', good())).status).toBe(403);
    expect((await t.request({ url: `/api/imports/${job.id}`, token: readerToken })).status).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/imports/${job.id}/confirm`, token: readerToken })).status).toBe(403);
    expect((await upload('', 'okuma.csv', good())).status).toBe(401);
  });

  it('imports a mechanical meter’s handheld readings (no device): keyed on the meter, consumption and rollup follow', async () => {
    const subscription = await makeSubscription(t, { tenant: u.a });
    const bare = await makeMeter(t, { tenant: u.a, subscription });
    const file = [
      'Sayaç Seri No;Tarih;Endeks',
      `${bare.serialNo};${dotted(at(0))};10,000`,
      `${bare.serialNo};${dotted(at(5))};10,125`,
    ].join('\r\n');
    const job = await finished(tokenA, (await upload(tokenA, 'el-terminali.csv', file, '?dryRun=false')).body.id);
    expect(job).toMatchObject({ status: 'DONE', createdRows: 2, failedRows: 0 });
    const rows = await t.sql(
      `SELECT device_id, index_m3::float AS i, consumption_m3::float AS c FROM reading WHERE meter_id = $1 ORDER BY time`,
      [bare.id],
    );
    expect(rows).toEqual([
      { device_id: bare.id, i: 10, c: null },
      { device_id: bare.id, i: 10.125, c: 0.125 },
    ]);
    const [daily] = await t.sql(
      `SELECT sum(consumption_m3)::float AS m3, sum(reading_count)::int AS n FROM meter_daily_consumption WHERE meter_id = $1`,
      [bare.id],
    );
    expect(daily).toEqual({ m3: 0.125, n: 2 });
    // The same file again changes nothing.
    const again = await finished(tokenA, (await upload(tokenA, 'el-terminali.csv', file, '?dryRun=false')).body.id);
    expect(again).toMatchObject({ status: 'DONE', createdRows: 0, unchangedRows: 2 });
  });

  it('deletes the content of finished uploads past IMPORT_RETENTION_DAYS, keeping jobs and reports; young or pending files stay', async () => {
    const retention = worker.get(ImportRetention);
    const bad = [`Sayaç Seri No;Tarih;Endeks`, `NOSUCH-R;${dotted(at(1))};5`].join('\r\n');
    const old = await finished(tokenA, (await upload(tokenA, 'eski.csv', bad)).body.id);
    const oldPassed = await finished(tokenA, (await upload(tokenA, 'eski-temiz.csv', good())).body.id);
    const pending = await finished(tokenA, (await upload(tokenA, 'bekleyen.csv', good())).body.id);
    const young = await finished(tokenA, (await upload(tokenA, 'yeni.csv', good())).body.id);
    const fileOf = async (jobId: string) => (await t.sql(`SELECT file_id FROM import_job WHERE id = $1`, [jobId]))[0].file_id as string;
    const chunks = async (jobId: string) =>
      Number((await t.sql(`SELECT count(*) AS n FROM import_file_chunk WHERE file_id = $1`, [await fileOf(jobId)]))[0].n);
    for (const job of [old, oldPassed, pending])
      await t.sql(`UPDATE import_file SET created_at = now() - interval '31 days' WHERE id = $1`, [await fileOf(job.id)]);
    // A job still waiting on its file keeps it.
    await t.sql(`UPDATE import_job SET status = 'QUEUED' WHERE id = $1`, [pending.id]);
    expect(await chunks(old.id)).toBeGreaterThan(0);

    const purged = await retention.purge(new Date());
    expect(purged.files).toBe(2);
    expect(purged.bytes).toBeGreaterThan(0);
    expect(await chunks(old.id)).toBe(0);
    expect(await chunks(oldPassed.id)).toBe(0);
    expect(await chunks(pending.id)).toBeGreaterThan(0);
    expect(await chunks(young.id)).toBeGreaterThan(0);
    // The job, its counts and its error report stay; the purged dry run can no longer be confirmed.
    const view = await t.request({ url: `/api/imports/${old.id}`, token: tokenA });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ failedRows: 1, fileName: 'eski.csv' });
    expect(view.body.filePurgedAt).toEqual(expect.any(String));
    const report = await t.request({ url: `/api/imports/${old.id}/errors.csv`, token: tokenA });
    expect(String(report.body)).toMatch(/2,meter_serial,no meter with serial number NOSUCH-R/);
    const confirm = await t.request({ method: 'POST', url: `/api/imports/${oldPassed.id}/confirm`, token: tokenA });
    expect(confirm.status).toBe(409);
    expect(confirm.body.message).toMatch(/deleted by the retention job/);
    expect((await t.request({ url: `/api/imports/${young.id}`, token: tokenA })).body.filePurgedAt).toBeNull();
    // A second run finds nothing more.
    expect(await retention.purge(new Date())).toEqual({ files: 0, bytes: 0 });
    await t.sql(`UPDATE import_job SET status = 'DONE' WHERE id = $1`, [pending.id]);
  });

  it('asks for the meter brand when a serial number is used by two brands', async () => {
    const itron = await makeMeterProfile(t, { key: 'itron-flodis15', tenants: [u.a] });
    const twin = await makeMeter(t, { tenant: u.a, serialNo: mine.meter.serialNo, profile: itron });
    await makeDevice(t, { tenant: u.a, meter: twin });
    expect(twin.brandId).not.toBe(mine.meter.brandId);
    const res = await upload(tokenA, 'okuma.csv', `meter_serial,time,index\n${mine.meter.serialNo},2025-01-01T00:00:00Z,1\n`);
    const job = await finished(tokenA, res.body.id);
    expect(job.failedRows).toBe(1);
    const report = await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenA });
    expect(String(report.body)).toMatch(/meter_brand,serial number .* belongs to meters of several brands/);
  });

  describe('meters', () => {
    const uploadMeters = async (token: string, content: string, query = '') => {
      const { body, headers } = multipart('sayaclar.csv', content);
      return t.request({ method: 'POST', url: `/api/imports/meters${query}`, token, body, headers });
    };

    it('creates new meters through the meters service, fitting one to a subscription; existing ones are left as they are', async () => {
      const profile = await makeMeterProfile(t, { tenants: [u.a] });
      const [{ name: brand }] = await t.sql(`SELECT name FROM meter_brand WHERE id = $1`, [profile.brandId]);
      const [{ name: mineBrand }] = await t.sql(`SELECT name FROM meter_brand WHERE id = $1`, [mine.meter.brandId]);
      const [{ model_code: mineModel }] = await t.sql(`SELECT model_code FROM meter_profile WHERE id = $1`, [mine.meter.profileId]);
      const empty = await makeSubscription(t, { tenant: u.a });
      const file = [
        'Seri No;Marka;Model;İlk Endeks;Montaj Tarihi;Durum;Vana;Abone No',
        `IMP-0001;${brand};${profile.modelCode};12,5;01.03.2025 10:00;aktif;hayır;`,
        `IMP-0002;${brand.toUpperCase()};${profile.modelCode};0;;WAREHOUSE;;${empty.subscriptionNo}`,
        `${mine.meter.serialNo};${mineBrand};${mineModel};;;;;`,
      ].join('\n');
      const dry = await finished(tokenA, (await uploadMeters(tokenA, file)).body.id);
      expect(dry).toMatchObject({ kind: 'METERS', status: 'DONE', totalRows: 3, createdRows: 2, unchangedRows: 1, failedRows: 0 });
      expect((await t.sql(`SELECT count(*)::int AS n FROM meter WHERE serial_no LIKE 'IMP-%'`))[0].n).toBe(0);

      const real = await finished(
        tokenA,
        (await t.request({ method: 'POST', url: `/api/imports/${dry.id}/confirm`, token: tokenA })).body.id,
      );
      expect(real).toMatchObject({ status: 'DONE', createdRows: 2, unchangedRows: 1, failedRows: 0 });
      const meters = await t.sql(
        `SELECT serial_no, tenant_id, status, initial_index_m3::float AS i, installed_at FROM meter WHERE serial_no LIKE 'IMP-%' ORDER BY serial_no`,
      );
      expect(meters.map((m) => [m.serial_no, m.tenant_id, m.status, m.i])).toEqual([
        ['IMP-0001', u.a.id, 'ACTIVE', 12.5],
        ['IMP-0002', u.a.id, 'WAREHOUSE', 0],
      ]);
      expect(new Date(meters[0].installed_at).toISOString()).toBe('2025-03-01T07:00:00.000Z');
      const [fitted] = await t.sql(
        `SELECT m.serial_no FROM subscription_meter sm JOIN meter m ON m.id = sm.meter_id WHERE sm.subscription_id = $1 AND sm.ended_at IS NULL`,
        [empty.id],
      );
      expect(fitted.serial_no).toBe('IMP-0002');
      expect((await t.sql(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'meter' AND action = 'create'`))[0].n).toBe(2);

      const again = await finished(tokenA, (await uploadMeters(tokenA, file, '?dryRun=false')).body.id);
      expect(again).toMatchObject({ status: 'DONE', createdRows: 0, unchangedRows: 3 });
    });

    it('reports another tenant’s meter, an unknown model, a bad status and another tenant’s subscription, writing nothing', async () => {
      const profile = await makeMeterProfile(t, { tenants: [u.a] });
      const [{ name: brand }] = await t.sql(`SELECT name FROM meter_brand WHERE id = $1`, [profile.brandId]);
      const [{ name: theirBrand }] = await t.sql(`SELECT name FROM meter_brand WHERE id = $1`, [theirs.meter.brandId]);
      const [{ model_code: theirModel }] = await t.sql(`SELECT model_code FROM meter_profile WHERE id = $1`, [theirs.meter.profileId]);
      await t.sql(`INSERT INTO tenant_meter_profile (tenant_id, meter_profile_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        u.a.id,
        theirs.meter.profileId,
      ]);
      const file = [
        'serial_no,brand,model,status,subscription_no',
        `BAD-0001,${brand},${profile.modelCode},,`,
        `${theirs.meter.serialNo},${theirBrand},${theirModel},,`,
        `BAD-0002,${brand},NO-SUCH-MODEL,,`,
        `BAD-0003,${brand},${profile.modelCode},broken,`,
        `BAD-0004,${brand},${profile.modelCode},,${theirs.subscription.subscriptionNo}`,
        `BAD-0001,${brand},${profile.modelCode},,`,
      ].join('\n');
      const job = await finished(tokenA, (await uploadMeters(tokenA, file, '?dryRun=false')).body.id);
      expect(job).toMatchObject({ status: 'FAILED', failedRows: 5 });
      expect((await t.sql(`SELECT count(*)::int AS n FROM meter WHERE serial_no LIKE 'BAD-%'`))[0].n).toBe(0);
      const report = String((await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenA })).body);
      expect(report).toMatch(new RegExp(`3,serial_no,serial number ${theirs.meter.serialNo} .* is already in use`));
      expect(report).toMatch(/4,model,no meter profile .* NO-SUCH-MODEL that this tenant may use/);
      expect(report).toMatch(/5,status,"must be one of ACTIVE/);
      expect(report).toMatch(new RegExp(`6,subscription_no,no subscription ${theirs.subscription.subscriptionNo} in this tenant`));
      expect(report).toMatch(/7,serial_no,repeats the meter of row 2/);
    });

    it('needs METERS create', async () => {
      const reader = await makeUser(t);
      await makeMembership(t, { user: reader, tenant: u.a, permissions: { METERS: 'ru' } });
      expect((await uploadMeters(await tokenFor(t, reader), 'serial_no,brand,model\nX,Y,Z\n')).status).toBe(403);
    });
  });

  describe('customers and subscriptions', () => {
    const uploadCustomers = async (token: string, content: string, query = '') => {
      const { body, headers } = multipart('aboneler.csv', content);
      return t.request({ method: 'POST', url: `/api/imports/customers${query}`, token, body, headers });
    };

    it('creates subscriptions with their customers and addresses; a customer named twice is created once', async () => {
      const tc = validTcIdNo();
      const tax = validTaxId();
      const file = [
        'Abone No;Tip;Grup;Ad;Soyad;TC Kimlik No;Kurum Adı;Vergi No;Yetkili Adı;Yetkili Soyadı;İl;İlçe;Mahalle;Sokak;Bina No;Posta Kodu',
        `IMP-S-1;bireysel;NORMAL;Ayşe;Yılmaz;${tc};;;;;Ankara;Çankaya;Kızılay;Atatürk Blv.;12;06420`,
        `IMP-S-2;bireysel;NORMAL;Ayşe;Yılmaz;${tc};;;;;Ankara;Çankaya;Kızılay;Gazi Cd.;3;06420`,
        `IMP-S-3;kurumsal;HIGH;;;;Örnek Gıda A.Ş.;${tax};Mehmet;Demir;Ankara;Yenimahalle;Ostim;1. Cd.;5;06374`,
        `${mine.subscription.subscriptionNo};bireysel;NORMAL;X;Y;${validTcIdNo()};;;;;Ankara;;;;;`,
      ].join('\n');
      const dry = await finished(tokenA, (await uploadCustomers(tokenA, file)).body.id);
      expect(dry).toMatchObject({ kind: 'CUSTOMERS', status: 'DONE', totalRows: 4, createdRows: 3, unchangedRows: 1, failedRows: 0 });
      const real = await finished(
        tokenA,
        (await t.request({ method: 'POST', url: `/api/imports/${dry.id}/confirm`, token: tokenA })).body.id,
      );
      expect(real).toMatchObject({ status: 'DONE', createdRows: 3, unchangedRows: 1, failedRows: 0 });
      const subs = await t.sql(
        `SELECT s.subscription_no, s.tenant_id, c.tc_id_no, c.tax_id, a.city, a.street FROM subscription s
           JOIN customer c ON c.id = s.customer_id LEFT JOIN address a ON a.id = s.address_id
          WHERE s.subscription_no LIKE 'IMP-S-%' ORDER BY s.subscription_no`,
      );
      expect(subs.map((r) => [r.subscription_no, r.tenant_id, r.tc_id_no, r.tax_id, r.city, r.street])).toEqual([
        ['IMP-S-1', u.a.id, tc, null, 'Ankara', 'Atatürk Blv.'],
        ['IMP-S-2', u.a.id, tc, null, 'Ankara', 'Gazi Cd.'],
        ['IMP-S-3', u.a.id, null, tax, 'Ankara', '1. Cd.'],
      ]);
      expect((await t.sql(`SELECT count(*)::int AS n FROM customer WHERE tc_id_no = $1`, [tc]))[0].n).toBe(1);
      const again = await finished(tokenA, (await uploadCustomers(tokenA, file, '?dryRun=false')).body.id);
      expect(again).toMatchObject({ status: 'DONE', createdRows: 0, unchangedRows: 4 });
    });

    it('reports a bad TC ID checksum, an unknown group and a customer of the other type, writing nothing', async () => {
      const tc = validTcIdNo();
      const bad = `${tc.slice(0, 10)}${(Number(tc[10]) + 1) % 10}`;
      const file = [
        'subscription_no,type,group,name,surname,tc_id_no,city',
        `IMP-B-1,INDIVIDUAL,NORMAL,Ali,Veli,${tc},Ankara`,
        `IMP-B-2,INDIVIDUAL,NORMAL,Ali,Veli,${bad},Ankara`,
        `IMP-B-3,INDIVIDUAL,NOPE,Ali,Veli,${validTcIdNo()},Ankara`,
        `IMP-B-4,ORGANIZATIONAL,NORMAL,Ali,Veli,${tc},Ankara`,
      ].join('\n');
      const job = await finished(tokenA, (await uploadCustomers(tokenA, file, '?dryRun=false')).body.id);
      expect(job).toMatchObject({ status: 'FAILED', failedRows: 3 });
      expect((await t.sql(`SELECT count(*)::int AS n FROM subscription WHERE subscription_no LIKE 'IMP-B-%'`))[0].n).toBe(0);
      const report = String((await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenA })).body);
      expect(report).toMatch(/3,tc_id_no,is not a valid TC ID No/);
      expect(report).toMatch(/4,group,no subscription group NOPE/);
      expect(report).toMatch(/5,contact_name,is empty/);
    });

    it('needs SUBSCRIPTIONS create and CUSTOMERS create', async () => {
      const user = await makeUser(t);
      await makeMembership(t, { user, tenant: u.a, permissions: { SUBSCRIPTIONS: 'cr', CUSTOMERS: 'r' } });
      expect((await uploadCustomers(await tokenFor(t, user), 'subscription_no\nX\n', `?tenantId=${u.a.id}`)).status).toBe(403);
    });
  });

  describe('devices', () => {
    const uploadDevices = async (token: string, content: string, query = '') => {
      const { body, headers } = multipart('cihazlar.csv', content);
      return t.request({ method: 'POST', url: `/api/imports/devices${query}`, token, body, headers });
    };

    it('creates devices with their identifiers, fitted to a meter when named; a stored one is left as it is', async () => {
      const meterProfile = await makeMeterProfile(t, { tenants: [u.a] });
      const profile = await makeDeviceProfile(t, { tenants: [u.a], meterProfiles: [meterProfile] });
      const [{ name: brand }] = await t.sql(`SELECT name FROM device_brand WHERE id = $1`, [profile.brandId]);
      const [{ name: mineBrand }] = await t.sql(`SELECT b.name FROM device d JOIN device_brand b ON b.id = d.brand_id WHERE d.id = $1`, [
        mine.device.id,
      ]);
      const [{ model_code: mineModel }] = await t.sql(`SELECT model_code FROM device_profile WHERE id = $1`, [mine.device.profileId]);
      const bare = await makeMeter(t, { tenant: u.a, profile: meterProfile });
      const one = identifiersFor(profile.technology);
      const two = identifiersFor(profile.technology);
      const file = [
        'Seri No;Marka;Model;Durum;Sayaç Seri No;DevEUI;JoinEUI;AppKey',
        `IMP-D-1;${brand};${profile.modelCode};aktif;${bare.serialNo};${one.DevEUI};${one.JoinEUI};${one.AppKey}`,
        `IMP-D-2;${brand};${profile.modelCode};;;${two.DevEUI};${two.JoinEUI};${two.AppKey}`,
        `${mine.device.serialNo};${mineBrand};${mineModel};;;;;`,
      ].join('\n');
      const dry = await finished(tokenA, (await uploadDevices(tokenA, file)).body.id);
      expect(dry).toMatchObject({ kind: 'DEVICES', status: 'DONE', totalRows: 3, createdRows: 2, unchangedRows: 1, failedRows: 0 });
      expect((await t.sql(`SELECT count(*)::int AS n FROM device WHERE serial_no LIKE 'IMP-D-%'`))[0].n).toBe(0);
      const real = await finished(
        tokenA,
        (await t.request({ method: 'POST', url: `/api/imports/${dry.id}/confirm`, token: tokenA })).body.id,
      );
      expect(real).toMatchObject({ status: 'DONE', createdRows: 2, unchangedRows: 1, failedRows: 0 });
      const devices = await t.sql(
        `SELECT d.serial_no, d.status, d.meter_id, i.value FROM device d
           JOIN device_identifier i ON i.device_id = d.id JOIN communication_technology_field f ON f.id = i.field_id AND f.key = 'DevEUI'
          WHERE d.serial_no LIKE 'IMP-D-%' ORDER BY d.serial_no`,
      );
      expect(devices.map((d) => [d.serial_no, d.status, d.meter_id, d.value])).toEqual([
        ['IMP-D-1', 'ACTIVE', bare.id, one.DevEUI],
        ['IMP-D-2', 'WAREHOUSE', null, two.DevEUI],
      ]);
    });

    it('reports in the dry run a device fitted to a meter whose profile it is not compatible with, as the real run would', async () => {
      const meterProfile = await makeMeterProfile(t, { tenants: [u.a] });
      // A device profile the tenant may use, compatible with no meter profile of this meter's.
      const profile = await makeDeviceProfile(t, { tenants: [u.a], meterProfiles: [] });
      const [{ name: brand }] = await t.sql(`SELECT name FROM device_brand WHERE id = $1`, [profile.brandId]);
      const bare = await makeMeter(t, { tenant: u.a, profile: meterProfile });
      const ids = identifiersFor(profile.technology);
      const file = [
        'serial_no,brand,model,meter_serial,DevEUI,JoinEUI,AppKey',
        `IMP-C-1,${brand},${profile.modelCode},${bare.serialNo},${ids.DevEUI},${ids.JoinEUI},${ids.AppKey}`,
      ].join('\n');
      const dry = await finished(tokenA, (await uploadDevices(tokenA, file)).body.id);
      expect(dry).toMatchObject({ kind: 'DEVICES', dryRun: true, failedRows: 1, createdRows: 0 });
      const dryReport = String((await t.request({ url: `/api/imports/${dry.id}/errors.csv`, token: tokenA })).body);
      expect(dryReport).toMatch(new RegExp(`2,,the device profile is not compatible with the profile of meter ${bare.serialNo}`));
      // The real run refuses the same row with the same message, and writes nothing.
      const real = await finished(tokenA, (await uploadDevices(tokenA, file, '?dryRun=false')).body.id);
      expect(real).toMatchObject({ status: 'FAILED', failedRows: 1 });
      const realReport = String((await t.request({ url: `/api/imports/${real.id}/errors.csv`, token: tokenA })).body);
      expect(realReport.split('\r\n')).toContain(dryReport.split('\r\n')[1]);
      expect((await t.sql(`SELECT count(*)::int AS n FROM device WHERE serial_no = 'IMP-C-1'`))[0].n).toBe(0);
    });

    it('reports a malformed identifier, one in use by another tenant’s device and another tenant’s serial, writing nothing', async () => {
      const profile = await makeDeviceProfile(t, { tenants: [u.a] });
      const [{ name: brand }] = await t.sql(`SELECT name FROM device_brand WHERE id = $1`, [profile.brandId]);
      const ok = identifiersFor(profile.technology);
      const file = [
        'serial_no,brand,model,DevEUI,JoinEUI,AppKey',
        `IMP-E-1,${brand},${profile.modelCode},${ok.DevEUI},${ok.JoinEUI},${ok.AppKey}`,
        `IMP-E-2,${brand},${profile.modelCode},not-hex,${ok.JoinEUI},${ok.AppKey}`,
        `IMP-E-3,${brand},${profile.modelCode},${theirs.device.identifiers.DevEUI},${ok.JoinEUI},${ok.AppKey}`,
      ].join('\n');
      const job = await finished(tokenA, (await uploadDevices(tokenA, file, '?dryRun=false')).body.id);
      expect(job).toMatchObject({ status: 'FAILED', failedRows: 2 });
      expect((await t.sql(`SELECT count(*)::int AS n FROM device WHERE serial_no LIKE 'IMP-E-%'`))[0].n).toBe(0);
      const report = String((await t.request({ url: `/api/imports/${job.id}/errors.csv`, token: tokenA })).body);
      expect(report).toMatch(/3,,.*DevEUI/);
      expect(report).toMatch(/4,,.*DevEUI/);
      expect(report).not.toContain(theirs.device.serialNo);
    });
  });
});
