import type { SeedContext } from './context';
import type { DefinitionIds } from './definitions';
import type { TenantKey } from './profiles';

/**
 * Example tariffs for ASKİ and HATSU (issue 18). The rates are EXAMPLES, shaped like a Turkish utility's
 * decree (tiers per m³, fixed charge, wastewater, environmental fee, VAT) but not anybody's official
 * prices; every row says so (is_example, "Örnek" in the name). Money in kuruş, rates in basis points.
 */
interface ExampleVersion {
  effectiveFrom: string;
  effectiveTo: string | null;
  fixedChargeKurus: number;
  fixedVatRateBp: number;
  waterVatRateBp: number;
  tiers: [fromM3: number, toM3: number | null, unitPriceKurus: number][];
  wastewater: { mode: 'PER_M3'; unitPriceKurus: number } | { mode: 'SHARE_OF_WATER'; shareBp: number };
  wastewaterVatRateBp: number;
  fees: { code: string; name: string; unitPriceKurus: number; vatRateBp: number }[];
  minimumChargeKurus: number;
  latePaymentInterestBp: number;
}

interface ExampleTariff {
  tenant: TenantKey;
  code: string;
  name: string;
  subscriptionType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  group: 'NORMAL' | 'HIGH' | null;
  versions: ExampleVersion[];
}

const ENV_FEE = { code: 'CTV', name: 'Çevre temizlik vergisi (örnek)', vatRateBp: 0 };

const askiResidential = (tiers: ExampleVersion['tiers'], fixed: number, wastewater: number): ExampleVersion => ({
  effectiveFrom: '2025-01-01',
  effectiveTo: null,
  fixedChargeKurus: fixed,
  fixedVatRateBp: 1000,
  waterVatRateBp: 1000,
  tiers,
  wastewater: { mode: 'PER_M3', unitPriceKurus: wastewater },
  wastewaterVatRateBp: 1000,
  fees: [{ ...ENV_FEE, unitPriceKurus: 90 }],
  minimumChargeKurus: 5000,
  latePaymentInterestBp: 350,
});

export const EXAMPLE_TARIFFS: ExampleTariff[] = [
  {
    tenant: 'ASKI',
    code: 'ORNEK-KONUT',
    name: 'Örnek tarife — Konut (resmî tarife değildir)',
    subscriptionType: 'INDIVIDUAL',
    group: null,
    versions: [
      // An earlier decree and the one in force, so previews show a change by days.
      {
        ...askiResidential(
          [
            [0, 10, 2600],
            [10, 20, 3900],
            [20, null, 5200],
          ],
          2000,
          1300,
        ),
        effectiveTo: '2026-07-01',
      },
      {
        ...askiResidential(
          [
            [0, 10, 3150],
            [10, 20, 4725],
            [20, null, 6300],
          ],
          2500,
          1575,
        ),
        effectiveFrom: '2026-07-01',
      },
    ],
  },
  {
    tenant: 'ASKI',
    code: 'ORNEK-ISYERI',
    name: 'Örnek tarife — İşyeri (resmî tarife değildir)',
    subscriptionType: 'ORGANIZATIONAL',
    group: null,
    versions: [
      {
        ...askiResidential([[0, null, 7000]], 5000, 3500),
        fees: [{ ...ENV_FEE, unitPriceKurus: 180 }],
        minimumChargeKurus: 10_000,
      },
    ],
  },
  {
    tenant: 'HATSU',
    code: 'ORNEK-KONUT',
    name: 'Örnek tarife — Konut (resmî tarife değildir)',
    subscriptionType: 'INDIVIDUAL',
    group: null,
    versions: [
      {
        effectiveFrom: '2025-01-01',
        effectiveTo: null,
        fixedChargeKurus: 2000,
        fixedVatRateBp: 1000,
        waterVatRateBp: 1000,
        tiers: [
          [0, 15, 2800],
          [15, 30, 4200],
          [30, null, 5600],
        ],
        wastewater: { mode: 'SHARE_OF_WATER', shareBp: 5000 },
        wastewaterVatRateBp: 1000,
        fees: [{ ...ENV_FEE, unitPriceKurus: 80 }],
        minimumChargeKurus: 0,
        latePaymentInterestBp: 350,
      },
    ],
  },
  {
    tenant: 'HATSU',
    code: 'ORNEK-YUKSEK',
    name: 'Örnek tarife — Yüksek tüketim işyeri (resmî tarife değildir)',
    subscriptionType: 'ORGANIZATIONAL',
    group: 'HIGH',
    versions: [
      {
        effectiveFrom: '2025-01-01',
        effectiveTo: null,
        fixedChargeKurus: 7500,
        fixedVatRateBp: 1000,
        waterVatRateBp: 1000,
        tiers: [
          [0, 100, 6500],
          [100, null, 7800],
        ],
        wastewater: { mode: 'SHARE_OF_WATER', shareBp: 5000 },
        wastewaterVatRateBp: 1000,
        fees: [{ ...ENV_FEE, unitPriceKurus: 160 }],
        minimumChargeKurus: 15_000,
        latePaymentInterestBp: 350,
      },
    ],
  },
];

/** Inserts the example tariffs; ids come from the database so the seed's random sequence is untouched. */
export async function seedTariffs(ctx: SeedContext, defs: DefinitionIds, tenants: Map<TenantKey, string>): Promise<void> {
  for (const t of EXAMPLE_TARIFFS) {
    const tenantId = tenants.get(t.tenant)!;
    const { id: tariffId } = await ctx.db
      .insertInto('tariff')
      .values({
        tenant_id: tenantId,
        code: t.code,
        name: t.name,
        subscription_type: t.subscriptionType,
        subscription_group_id: t.group ? defs.groups.get(t.group)! : null,
        is_example: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const v of t.versions) {
      const { id: versionId } = await ctx.db
        .insertInto('tariff_version')
        .values({
          tariff_id: tariffId,
          tenant_id: tenantId,
          effective_from: v.effectiveFrom,
          effective_to: v.effectiveTo,
          fixed_charge_kurus: v.fixedChargeKurus,
          fixed_vat_rate_bp: v.fixedVatRateBp,
          water_vat_rate_bp: v.waterVatRateBp,
          wastewater_mode: v.wastewater.mode,
          wastewater_unit_price_kurus: v.wastewater.mode === 'PER_M3' ? v.wastewater.unitPriceKurus : 0,
          wastewater_share_bp: v.wastewater.mode === 'SHARE_OF_WATER' ? v.wastewater.shareBp : 0,
          wastewater_vat_rate_bp: v.wastewaterVatRateBp,
          minimum_charge_kurus: v.minimumChargeKurus,
          late_payment_interest_bp: v.latePaymentInterestBp,
          note: 'Örnek: resmî tarife değildir / example rates, not official',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.db
        .insertInto('tariff_tier')
        .values(
          v.tiers.map(([from, to, price], i) => ({
            version_id: versionId,
            tenant_id: tenantId,
            ordinal: i + 1,
            from_m3: String(from),
            to_m3: to === null ? null : String(to),
            unit_price_kurus: price,
          })),
        )
        .execute();
      await ctx.db
        .insertInto('tariff_fee')
        .values(
          v.fees.map((f, i) => ({
            version_id: versionId,
            tenant_id: tenantId,
            ordinal: i + 1,
            code: f.code,
            name: f.name,
            unit_price_kurus: f.unitPriceKurus,
            vat_rate_bp: f.vatRateBp,
          })),
        )
        .execute();
    }
  }
  ctx.counts.tariff = EXAMPLE_TARIFFS.length;
}
