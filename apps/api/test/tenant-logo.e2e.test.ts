import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInvoice, makeSubscription, makeUser, makeUtilities, tokenFor, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { multipart } from './support/multipart';

/** CRC-32 of PNG chunks (ISO 3309), small enough to keep the fixture in the test. */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real `width`×`height` RGB PNG of one colour. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x2a)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The images a PDF holds, as poppler's `pdfimages -list` counts them (installed by .ci/run with pdftotext). */
async function imageCount(pdf: Buffer, dir: string): Promise<number> {
  const file = join(dir, `${Math.random().toString(16).slice(2)}.pdf`);
  await writeFile(file, pdf);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('pdfimages', ['-list', file], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  return out.trim().split('\n').length - 2; // two header lines
}

/** A tenant's logo on its invoices (issue 18: "PDF … with the tenant's name and logo"). */
describe('tenant logo', () => {
  let t: TestApp;
  let dir: string;
  let a: Tenant;
  let b: Tenant;
  let aToken: string;
  let bToken: string;
  let readerToken: string;

  const upload = (tenant: Tenant, content: Buffer, token = aToken) => {
    const { body, headers } = multipart('logo.png', content, 'image/png');
    return t.request({ method: 'PUT', url: `/api/tenants/${tenant.id}/logo`, token, body, headers });
  };
  const raw = async (url: string, token = aToken) => {
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, type: res.headers['content-type'], body: res.rawPayload };
  };
  const draftPdf = async (tenant: Tenant, token = aToken) => {
    const invoice = await makeInvoice(t, { subscription: await makeSubscription(t, { tenant }), issued: false });
    const res = await raw(`/api/invoices/${invoice.id}/pdf`, token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const stored = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tenant_logo`))[0]!.n;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'water-logo-'));
    t = await startTestApp('tenant_logo', { env: { DOCUMENTS_DIR: dir } });
    const u = await makeUtilities(t);
    ({ a, b } = u);
    aToken = u.aAdmin.token;
    bToken = u.bAdmin.token;
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { TENANTS: 'r', BILLING: 'r' } }));
  });

  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a PNG logo, serves it back and prints it on the tenant’s invoices only', async () => {
    const logo = png(120, 40);
    const res = await upload(a, logo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contentType: 'image/png', bytes: logo.length });
    const back = await raw(`/api/tenants/${a.id}/logo`, readerToken);
    expect(back).toMatchObject({ status: 200, type: 'image/png' });
    expect(Buffer.compare(back.body, logo)).toBe(0);

    expect(await imageCount(await draftPdf(a), dir)).toBe(1);
    expect(await imageCount(await draftPdf(b, bToken), dir)).toBe(0);
    const [audit] = await t.sql(
      `SELECT after FROM audit_log WHERE entity_type = 'tenant' AND entity_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [a.id],
    );
    expect(audit!.after).toEqual({ logo: { contentType: 'image/png', bytes: logo.length } });
  });

  it('refuses what is not a drawable PNG or JPEG, and a file over 256 KiB, keeping the logo it had', async () => {
    const before = await raw(`/api/tenants/${a.id}/logo`);
    expect((await upload(a, Buffer.from('GIF89a not a logo'))).status).toBe(400);
    // The right magic numbers over bytes no decoder can read: the PDF renderer would fail on it later.
    const broken = Buffer.concat([png(4, 4).subarray(0, 8), Buffer.from('garbage after the signature')]);
    const refused = await upload(a, broken);
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].path).toEqual(['body', 'file']);
    expect((await upload(a, Buffer.concat([png(4, 4), Buffer.alloc(256 * 1024)]))).status).toBe(413);
    const after = await raw(`/api/tenants/${a.id}/logo`);
    expect(Buffer.compare(after.body, before.body)).toBe(0);
  });

  it('lets only those who may update the tenant change it, and hides other tenants', async () => {
    const count = await stored();
    expect((await upload(a, png(8, 8), readerToken)).status).toBe(403);
    expect((await upload(a, png(8, 8), bToken)).status).toBe(404);
    expect((await raw(`/api/tenants/${a.id}/logo`, bToken)).status).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/tenants/${a.id}/logo`, token: readerToken })).status).toBe(403);
    expect(await stored()).toBe(count);
  });

  it('removes the logo: the invoices print the name only again', async () => {
    expect((await t.request({ method: 'DELETE', url: `/api/tenants/${a.id}/logo`, token: aToken })).status).toBe(204);
    expect((await raw(`/api/tenants/${a.id}/logo`)).status).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/tenants/${a.id}/logo`, token: aToken })).status).toBe(404);
    expect(await imageCount(await draftPdf(a), dir)).toBe(0);
  });
});
