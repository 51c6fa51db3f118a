import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../src/core/database/database.service';
import { withTenantScope } from '../src/core/database/tenant-scope';
import { makeAdmin, makeTenant, makeUser, makeUtilities, tokenFor, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/** Billing, first slice (issue 18): tariffs, their versions and the pricing preview. */
describe('billing: tariffs', () => {
  let t: TestApp;
  let root: Tenant;
  let a: Tenant;
  let b: Tenant;
  let child: Tenant;
  let late: Tenant;
  let rootToken: string;
  let aToken: string;
  let bToken: string;
  let childToken: string;
  let readerToken: string;
  let noBillingToken: string;

  const version = (o: Record<string, unknown> = {}) => ({
    effectiveFrom: '2020-01-01',
    fixedChargeKurus: 2500,
    fixedVatRate: 10,
    waterVatRate: 1,
    tiers: [
      { fromM3: 0, toM3: 10, unitPriceKurus: 1500 },
      { fromM3: 10, toM3: 20, unitPriceKurus: 2250 },
      { fromM3: 20, toM3: null, unitPriceKurus: 3000 },
    ],
    wastewaterMode: 'PER_M3',
    wastewaterUnitPriceKurus: 750,
    wastewaterVatRate: 10,
    fees: [{ code: 'ENV', name: 'Environmental fee', unitPriceKurus: 45, vatRate: 0 }],
    ...o,
  });
  let n = 0;
  const create = (token: string, tenant: Tenant, o: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url: '/api/tariffs',
      token,
      body: { tenantId: tenant.id, code: `T${++n}`, name: `Tariff ${n}`, subscriptionType: 'INDIVIDUAL', version: version(), ...o },
    });
  const counts = async () =>
    (
      await t.sql<{ tariffs: number; versions: number; tiers: number; fees: number }>(
        `SELECT (SELECT count(*)::int FROM tariff) AS tariffs, (SELECT count(*)::int FROM tariff_version) AS versions,
                (SELECT count(*)::int FROM tariff_tier) AS tiers, (SELECT count(*)::int FROM tariff_fee) AS fees`,
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp('billing-tariffs');
    const u = await makeUtilities(t);
    ({ root, a, b } = u);
    [rootToken, aToken, bToken] = [u.rootAdmin.token, u.aAdmin.token, u.bAdmin.token];
    child = await makeTenant(t, { parent: a });
    late = await makeTenant(t, { parent: root }); // defines no tariff of its own
    childToken = (await makeAdmin(t, child)).token;
    readerToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { BILLING: 'r' } }));
    noBillingToken = await tokenFor(t, await makeUser(t, { tenant: a, permissions: { METERS: 'crud' } }));
  });
  afterAll(async () => t?.close());

  describe('happy path', () => {
    it('creates a tariff with its first version and prices a month through it (totals by hand)', async () => {
      const res = await create(aToken, a, { code: 'RES', name: 'Residential' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ tenantId: a.id, code: 'RES', currency: 'TRY', inherited: false, isExample: false });
      expect(res.body.versions).toHaveLength(1);
      expect(res.body.versions[0]).toMatchObject({ effectiveFrom: '2020-01-01', effectiveTo: null, state: 'CURRENT', fixedVatRate: 10 });
      const preview = await t.request({
        method: 'POST',
        url: `/api/tariffs/${res.body.id}/preview`,
        token: readerToken,
        body: { periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionM3: 25.5 },
      });
      expect(preview.status).toBe(200);
      // 25.00 fixed + 150 + 225 + 165 (tiers) + 191.25 wastewater + 11.48 environmental = 767.73 TL;
      // VAT 2.50 + 1.50 + 2.25 + 1.65 + 19.13 = 27.03 TL.
      expect(preview.body).toMatchObject({ netKurus: 76_773, vatKurus: 2703, grossKurus: 79_476, days: 31, consumptionM3: '25.500' });
      expect(preview.body.lines.map((l: { component: string; netKurus: number }) => [l.component, l.netKurus])).toEqual([
        ['FIXED', 2500],
        ['WATER', 15_000],
        ['WATER', 22_500],
        ['WATER', 16_500],
        ['WASTEWATER', 19_125],
        ['FEE', 1148],
      ]);
      expect((await t.sql(`SELECT 1 FROM audit_log WHERE entity_type = 'tariff' AND entity_id = $1`, [res.body.id])).length).toBe(1);
    });

    it('closes the version in force, adds the next one, edits and deletes the draft', async () => {
      const { body: tariff } = await create(aToken, a, { subscriptionType: 'ORGANIZATIONAL' });
      const current = tariff.versions[0].id;
      const next = version({ effectiveFrom: '2099-01-01', fixedChargeKurus: 3000 });
      // Open-ended: the new version overlaps it until it is closed.
      expect((await t.request({ method: 'POST', url: `/api/tariffs/${tariff.id}/versions`, token: aToken, body: next })).status).toBe(409);
      const closed = await t.request({
        method: 'PATCH',
        url: `/api/tariffs/${tariff.id}/versions/${current}`,
        token: aToken,
        body: { effectiveTo: '2099-01-01' },
      });
      expect(closed.status).toBe(200);
      const added = await t.request({ method: 'POST', url: `/api/tariffs/${tariff.id}/versions`, token: aToken, body: next });
      expect(added.status).toBe(201);
      const draft = added.body.versions.find((v: { state: string }) => v.state === 'FUTURE');
      expect(draft).toMatchObject({ effectiveFrom: '2099-01-01', fixedChargeKurus: 3000 });
      const edited = await t.request({
        method: 'PATCH',
        url: `/api/tariffs/${tariff.id}/versions/${draft.id}`,
        token: aToken,
        body: { fixedChargeKurus: 3100, tiers: [{ fromM3: 0, toM3: null, unitPriceKurus: 2000 }] },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.versions[1]).toMatchObject({ fixedChargeKurus: 3100, tiers: [{ fromM3: 0, toM3: null, unitPriceKurus: 2000 }] });
      expect((await t.request({ method: 'DELETE', url: `/api/tariffs/${tariff.id}/versions/${draft.id}`, token: aToken })).status).toBe(
        204,
      );
      expect((await t.request({ url: `/api/tariffs/${tariff.id}`, token: aToken })).body.versions).toHaveLength(1);
    });

    it('prices a period split by days across a tariff change (totals by hand)', async () => {
      const plain = { wastewaterMode: 'NONE', fees: [] };
      const { body: tariff } = await create(aToken, a, {
        subscriptionType: 'INDIVIDUAL',
        subscriptionGroupId: (await t.sql<{ id: string }>(`SELECT id FROM subscription_group WHERE code = 'HIGH'`))[0]?.id,
        version: version({ ...plain, effectiveTo: '2020-03-11' }),
      });
      const v2 = version({
        ...plain,
        effectiveFrom: '2020-03-11',
        fixedChargeKurus: 3000,
        tiers: [
          { fromM3: 0, toM3: 10, unitPriceKurus: 1800 },
          { fromM3: 10, toM3: null, unitPriceKurus: 2700 },
        ],
      });
      expect((await t.request({ method: 'POST', url: `/api/tariffs/${tariff.id}/versions`, token: aToken, body: v2 })).status).toBe(201);
      const preview = await t.request({
        method: 'POST',
        url: `/api/tariffs/${tariff.id}/preview`,
        token: aToken,
        body: { periodStart: '2020-03-01', periodEnd: '2020-04-01', consumptionM3: 31, estimatedM3: 4 },
      });
      expect(preview.status).toBe(200);
      // 10 days at v1 (10 m³), 21 at v2 (21 m³); blocks scaled by days over March's 31:
      // v1: 8.06 fixed + 48.39 + 72.59 + 106.44; v2: 20.32 fixed + 121.93 + 384.10 = 761.83 TL net, 10.17 TL VAT.
      expect(preview.body.segments.map((s: { days: number; consumptionM3: string }) => [s.days, s.consumptionM3])).toEqual([
        [10, '10.000'],
        [21, '21.000'],
      ]);
      expect(preview.body).toMatchObject({ netKurus: 76_183, vatKurus: 1017, grossKurus: 77_200, estimatedM3: '4.000' });
      // Outside the versions' days: a clear 400.
      const before = await t.request({
        method: 'POST',
        url: `/api/tariffs/${tariff.id}/preview`,
        token: aToken,
        body: { periodStart: '2019-12-01', periodEnd: '2020-01-15', consumptionM3: 1 },
      });
      expect(before.status).toBe(400);
      expect(before.body.message).toMatch(/no tariff version is in force on 2019-12-01/);
    });
  });

  describe('bad input: a clear 4xx and nothing changed', () => {
    it('refuses negative prices, tiers with gaps or overlaps, dates out of order and unknown fields', async () => {
      const before = await counts();
      const bad: [string, Record<string, unknown>][] = [
        ['negative tier price', { version: version({ tiers: [{ fromM3: 0, toM3: null, unitPriceKurus: -1 }] }) }],
        ['negative fixed charge', { version: version({ fixedChargeKurus: -100 }) }],
        ['negative fee', { version: version({ fees: [{ code: 'ENV', name: 'Env', unitPriceKurus: -5, vatRate: 0 }] }) }],
        ['fractional kuruş', { version: version({ fixedChargeKurus: 10.5 }) }],
        ['VAT over 100 %', { version: version({ waterVatRate: 120 }) }],
        [
          'tier gap',
          {
            version: version({
              tiers: [
                { fromM3: 0, toM3: 10, unitPriceKurus: 1 },
                { fromM3: 12, toM3: null, unitPriceKurus: 2 },
              ],
            }),
          },
        ],
        [
          'tier overlap',
          {
            version: version({
              tiers: [
                { fromM3: 0, toM3: 10, unitPriceKurus: 1 },
                { fromM3: 8, toM3: null, unitPriceKurus: 2 },
              ],
            }),
          },
        ],
        ['first tier above 0', { version: version({ tiers: [{ fromM3: 1, toM3: null, unitPriceKurus: 1 }] }) }],
        ['closed last tier', { version: version({ tiers: [{ fromM3: 0, toM3: 5, unitPriceKurus: 1 }] }) }],
        ['no tiers', { version: version({ tiers: [] }) }],
        ['ends before it starts', { version: version({ effectiveTo: '2019-01-01' }) }],
        ['not a date', { version: version({ effectiveFrom: '2020-02-30' }) }],
        ['unknown field', { price: 1 }],
      ];
      for (const [label, body] of bad) {
        const res = await create(aToken, a, { subscriptionType: 'ORGANIZATIONAL', code: 'BAD', ...body });
        expect(res.status, label).toBe(400);
        expect(res.body.details.length, label).toBeGreaterThan(0);
      }
      const gap = await create(aToken, a, {
        version: version({
          tiers: [
            { fromM3: 0, toM3: 10, unitPriceKurus: 1 },
            { fromM3: 12, toM3: null, unitPriceKurus: 2 },
          ],
        }),
      });
      expect(gap.body.details).toContainEqual({ path: ['version', 'tiers', 1, 'fromM3'], message: 'leaves a gap after 10 m³' });
      expect(await counts()).toEqual(before);
    });

    it('refuses overlapping versions, changing a version in force, and deleting what has been in force', async () => {
      const { body: tariff } = await create(aToken, a, {
        subscriptionType: 'INDIVIDUAL',
        code: 'FIXEDV',
        subscriptionGroupId: await groupId('NORMAL'),
      });
      const current = tariff.versions[0].id;
      const before = await counts();
      const overlap = await t.request({
        method: 'POST',
        url: `/api/tariffs/${tariff.id}/versions`,
        token: aToken,
        body: version({ effectiveFrom: '2019-06-01', effectiveTo: '2020-02-01' }),
      });
      expect(overlap.status).toBe(409);
      expect(overlap.body.message).toMatch(/overlaps/);
      expect(overlap.body.code).toBe('overlaps');
      const reprice = await t.request({
        method: 'PATCH',
        url: `/api/tariffs/${tariff.id}/versions/${current}`,
        token: aToken,
        body: { fixedChargeKurus: 1 },
      });
      expect(reprice.status).toBe(409);
      expect(reprice.body.details).toEqual([{ path: ['fixedChargeKurus'], message: 'fixed once the version is in force' }]);
      const backdated = await t.request({
        method: 'PATCH',
        url: `/api/tariffs/${tariff.id}/versions/${current}`,
        token: aToken,
        body: { effectiveTo: '2021-01-01' },
      });
      expect(backdated.status).toBe(400);
      expect((await t.request({ method: 'DELETE', url: `/api/tariffs/${tariff.id}/versions/${current}`, token: aToken })).status).toBe(409);
      expect((await t.request({ method: 'DELETE', url: `/api/tariffs/${tariff.id}`, token: aToken })).status).toBe(409);
      const dup = await create(aToken, a, { subscriptionType: 'INDIVIDUAL', subscriptionGroupId: await groupId('NORMAL') });
      expect(dup.status).toBe(409); // one tariff per tenant and scope
      expect(await counts()).toEqual(before);
      // The database holds the line too.
      await expect(
        t.sql(`INSERT INTO tariff_version (tariff_id, tenant_id, effective_from) VALUES ($1, $2, '2020-06-01')`, [tariff.id, a.id]),
      ).rejects.toMatchObject({ code: '23P01' });
    });
  });

  describe('who may do this', () => {
    it('answers 403 without the BILLING right and to a reader who writes', async () => {
      expect((await t.request({ url: '/api/tariffs', token: noBillingToken })).status).toBe(403);
      const before = await counts();
      expect((await create(readerToken, a, { subscriptionType: 'ORGANIZATIONAL', code: 'RDR' })).status).toBe(403);
      expect(await counts()).toEqual(before);
    });

    it('keeps tenants apart: another utility’s tariff answers 404 and never lists', async () => {
      const { body: tariff } = await create(bToken, b, { code: 'HAT' });
      for (const req of [
        { url: `/api/tariffs/${tariff.id}` },
        { method: 'PATCH' as const, url: `/api/tariffs/${tariff.id}`, body: { name: 'x' } },
        {
          method: 'POST' as const,
          url: `/api/tariffs/${tariff.id}/preview`,
          body: { periodStart: '2026-01-01', periodEnd: '2026-02-01', consumptionM3: 1 },
        },
        { method: 'DELETE' as const, url: `/api/tariffs/${tariff.id}` },
      ])
        expect((await t.request({ ...req, token: aToken })).status, req.url).toBe(404);
      const list = await t.request({ url: '/api/tariffs?pageSize=200', token: aToken });
      expect(list.body.items.map((x: { tenantId: string }) => x.tenantId)).not.toContain(b.id);
      expect((await create(aToken, b, { code: 'INTO-B' })).status).toBe(404);
      expect((await t.request({ url: `/api/tariffs?tenantId=${b.id}`, token: aToken })).status).toBe(404);
    });

    it('lets a child tenant read its parent’s tariff but not change it', async () => {
      const { body: parent } = await create(aToken, a, {
        code: 'PARENT-ORG',
        subscriptionType: 'ORGANIZATIONAL',
        subscriptionGroupId: await groupId('HIGH'),
      });
      const seen = await t.request({ url: `/api/tariffs/${parent.id}`, token: childToken });
      expect(seen.status).toBe(200);
      expect(seen.body.inherited).toBe(true);
      const before = await counts();
      expect(
        (await t.request({ method: 'PATCH', url: `/api/tariffs/${parent.id}`, token: childToken, body: { name: 'Mine' } })).status,
      ).toBe(403);
      expect(
        (
          await t.request({
            method: 'POST',
            url: `/api/tariffs/${parent.id}/versions`,
            token: childToken,
            body: version({ effectiveFrom: '2099-01-01' }),
          })
        ).status,
      ).toBe(403);
      expect((await t.request({ method: 'DELETE', url: `/api/tariffs/${parent.id}`, token: childToken })).status).toBe(403);
      expect(await counts()).toEqual(before);
    });
  });

  describe('inheritance', () => {
    it('applies an ancestor’s tariff down the tree until a child defines its own for the scope', async () => {
      const { body: rootTariff } = await create(rootToken, root, { code: 'ROOT-IND', subscriptionType: 'INDIVIDUAL' });
      expect(rootTariff.tenantId).toBe(root.id);
      const effective = (tenant: Tenant, group?: string) =>
        t.request({
          url: `/api/tariffs/effective?tenantId=${tenant.id}&subscriptionType=INDIVIDUAL${group ? `&subscriptionGroupId=${group}` : ''}&on=2026-01-15`,
          token: childToken,
        });
      // The child defines nothing: its parent's INDIVIDUAL tariff (RES, made above) applies, not the root's.
      const inheritedRes = await effective(child);
      expect(inheritedRes.status).toBe(200);
      expect(inheritedRes.body.tariff).toMatchObject({ code: 'RES', tenantId: a.id, inherited: true });
      expect(inheritedRes.body.version.effectiveFrom).toBe('2020-01-01');
      // A group-specific tariff wins for its group.
      const high = await effective(child, await groupId('HIGH'));
      expect(high.body.tariff.subscriptionGroupId).toBe(await groupId('HIGH'));
      const listed = await t.request({ url: `/api/tariffs?tenantId=${child.id}&pageSize=200`, token: childToken });
      expect(listed.status).toBe(200);
      expect(listed.body.items.every((x: { inherited: boolean }) => x.inherited)).toBe(true);
      expect(listed.body.items.map((x: { code: string }) => x.code)).not.toContain('ROOT-IND'); // a's RES overrides it
      // The child defines its own: it applies there, and the parent's drops out of the child's list.
      const own = await create(childToken, child, { code: 'CHILD-IND', subscriptionType: 'INDIVIDUAL' });
      expect(own.status).toBe(201);
      expect((await effective(child)).body.tariff).toMatchObject({ code: 'CHILD-IND', inherited: false });
      // The nearest tenant with a tariff for the type wins, even over an ancestor's tariff for the group.
      expect((await effective(child, await groupId('HIGH'))).body.tariff).toMatchObject({ code: 'CHILD-IND', inherited: false });
      const after = await t.request({ url: `/api/tariffs?tenantId=${child.id}&pageSize=200`, token: childToken });
      expect(after.body.items.map((x: { code: string }) => x.code)).toContain('CHILD-IND');
      expect(after.body.items.map((x: { code: string }) => x.code)).not.toContain('RES');
      // Nor do a's INDIVIDUAL tariffs for one group: the child's tariff for every group takes them too.
      const individual = after.body.items.filter((x: { subscriptionType: string }) => x.subscriptionType === 'INDIVIDUAL');
      expect(individual.map((x: { code: string }) => x.code)).toEqual(['CHILD-IND']);
      expect(after.body.items.some((x: { inherited: boolean }) => x.inherited)).toBe(true); // a's ORGANIZATIONAL ones
      // A utility without tariffs of its own inherits the root's.
      const fromRoot = await t.request({ url: `/api/tariffs/effective?tenantId=${late.id}&subscriptionType=INDIVIDUAL`, token: rootToken });
      expect(fromRoot.body.tariff).toMatchObject({ code: 'ROOT-IND', inherited: true });
    });
  });

  describe('row-level security', () => {
    it('shows the API’s connections only the tariff rows of their scope', async () => {
      const db = t.app.get(DatabaseService);
      const [row] = await t.sql<{ path: string }>('SELECT path::text FROM tenant WHERE id = $1', [b.id]);
      await withTenantScope(row!.path, async () => {
        for (const table of ['tariff', 'tariff_version', 'tariff_tier', 'tariff_fee']) {
          const { rows } = await db.pool.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`);
          expect(
            rows.map((r) => r.tenant_id),
            table,
          ).toEqual([b.id]);
        }
        const updated = await db.pool.query(`UPDATE tariff SET name = 'HIJACKED' WHERE tenant_id = $1`, [a.id]);
        expect(updated.rowCount).toBe(0);
      });
    });
  });

  const groups = new Map<string, string>();
  async function groupId(code: string): Promise<string> {
    if (!groups.has(code))
      groups.set(code, (await t.sql<{ id: string }>('SELECT id FROM subscription_group WHERE code = $1', [code]))[0]!.id);
    return groups.get(code)!;
  }
});
