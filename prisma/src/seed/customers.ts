import type { Insertable } from 'kysely';
import type { DB } from '../generated/kysely/types';
import { DAY_MS, HOUR_MS, insertChunked, type SeedContext } from './context';
import type { DefinitionIds, SubscriptionGroupCode } from './definitions';
import { CONTACT_ROLES, ORGANIZATIONS, organizationEmail, personEmail, personName, type PersonName } from './names';
import { mobilePhone, taxId, tcIdNo, unique } from './numbers';
import { ANKARA, HATAY, makeAddress, type AddressRow, type City } from './places';
import type { TenantKey } from './profiles';

/** How a subscription uses water: drives the meter size and the daily consumption curve. */
export type Usage = 'HOUSEHOLD' | 'SMALL_BUSINESS' | 'LARGE';

export interface TenantPopulation {
  key: Exclude<TenantKey, 'ROOT'>;
  city: City;
  organizations: ReadonlyArray<{ name: string; large: boolean }>;
  customers: number;
  /** Customers holding a second subscription that has no meter yet (ASKİ: 28). */
  withSecondSubscription: number;
  /** Customers registered without any subscription yet (HATSU: 14). */
  withoutSubscription: number;
  subscriptionPrefix: string;
}

/** Brief "Seed 5–6" with the pairing BRIEF-NOTES settles: ASKİ 100 customers/128 subscriptions, HATSU 64/50. */
export const POPULATIONS: TenantPopulation[] = [
  {
    key: 'ASKI',
    city: ANKARA,
    organizations: ORGANIZATIONS.ANKARA,
    customers: 100,
    withSecondSubscription: 28,
    withoutSubscription: 0,
    subscriptionPrefix: 'ASK',
  },
  {
    key: 'HATSU',
    city: HATAY,
    organizations: ORGANIZATIONS.HATAY,
    customers: 64,
    withSecondSubscription: 0,
    withoutSubscription: 14,
    subscriptionPrefix: 'HAT',
  },
];

export interface SubscriptionPlan {
  id: string;
  tenantKey: Exclude<TenantKey, 'ROOT'>;
  tenantId: string;
  customerId: string;
  subscriptionNo: string;
  customerType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  group: SubscriptionGroupCode;
  usage: Usage;
  addressId: string;
  createdAt: Date;
  /** False for the second subscriptions still waiting for a meter. */
  hasMeter: boolean;
  /** When the meter was installed (subscriptions with a meter only). */
  installedAt: Date | null;
}

export interface CustomerPlan {
  subscriptions: SubscriptionPlan[];
  rows: {
    addresses: AddressRow[];
    customers: Insertable<DB['customer']>[];
    contacts: Insertable<DB['customer_contact']>[];
    subscriptions: Insertable<DB['subscription']>[];
  };
}

const HOME_NAMES = ['Ev', 'Konut', 'Daire'];
const SECOND_HOME_NAMES = ['Yazlık', 'Kiraya verilen daire', 'Bağ evi', 'Dükkan'];
const METER_SPOTS = [
  'Sayaç bina girişindeki sayaç dolabında.',
  'Sayaç bodrum kattaki sayaç odasında.',
  'Sayaç bahçe kapısının yanındaki rögarda.',
  'Sayaç merdiven boşluğunda, kapı yanında.',
  'Sayaç mutfak lavabosunun altında.',
  'Sayaç otopark girişinin sağında, kapaklı bölmede.',
];
const RELATIONS = ['Eşi', 'Oğlu', 'Kızı', 'Kiracı', 'Kardeşi'];

function atHour(ms: number): Date {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}

export function planCustomers(
  ctx: SeedContext,
  defs: DefinitionIds,
  tenants: Map<TenantKey, string>,
  uavtTaken: Set<string>,
): CustomerPlan {
  const { rng, now } = ctx;
  const plan: CustomerPlan = { subscriptions: [], rows: { addresses: [], customers: [], contacts: [], subscriptions: [] } };
  const emails = new Set<string>();

  for (const pop of POPULATIONS) {
    const tenantId = tenants.get(pop.key)!;
    const tcTaken = new Set<string>();
    const person = (): PersonName & { tcIdNo: string; phone: string; email: string } => {
      const p = personName(rng);
      return { ...p, tcIdNo: unique(tcTaken, () => tcIdNo(rng)), phone: mobilePhone(rng), email: personEmail(rng, p, emails) };
    };

    // Organisations first, then individuals; which of them hold two subscriptions or none is drawn below.
    const kinds: Array<{ org?: { name: string; large: boolean } }> = [
      ...pop.organizations.map((org) => ({ org })),
      ...Array.from({ length: pop.customers - pop.organizations.length }, () => ({})),
    ];
    const orgIdx = kinds.map((_, i) => i).filter((i) => kinds[i].org);
    const indIdx = kinds.map((_, i) => i).filter((i) => !kinds[i].org);
    // About one in seven of the special customers is an organisation, like the population.
    const pickSpecial = (n: number, exclude: Set<number>, preferSmallOrgs: boolean) => {
      const orgs = rng.shuffle(orgIdx.filter((i) => !exclude.has(i) && (!preferSmallOrgs || !kinds[i].org!.large)));
      const nOrg = Math.min(orgs.length, Math.round(n / 7));
      return new Set([...orgs.slice(0, nOrg), ...rng.shuffle(indIdx.filter((i) => !exclude.has(i))).slice(0, n - nOrg)]);
    };
    const twoSubs = pickSpecial(pop.withSecondSubscription, new Set(), false);
    const noSubs = pickSpecial(pop.withoutSubscription, twoSubs, true);

    const tenantSubs: SubscriptionPlan[] = [];
    kinds.forEach((kind, i) => {
      const customerId = rng.uuid();
      const org = kind.org;
      const usage: Usage = org ? (org.large ? 'LARGE' : 'SMALL_BUSINESS') : 'HOUSEHOLD';
      const group: SubscriptionGroupCode = usage === 'LARGE' ? 'HIGH' : 'NORMAL';
      const type = org ? 'ORGANIZATIONAL' : 'INDIVIDUAL';

      // Meters went in 1–3 years ago; a subscription opens a few days before its meter is fitted.
      const installedAt = atHour(now.getTime() - rng.int(365, 3 * 365) * DAY_MS + rng.int(-6, 6) * HOUR_MS);
      const subs: Array<{ createdAt: Date; hasMeter: boolean; name: string }> = [];
      if (!noSubs.has(i))
        subs.push({
          createdAt: new Date(installedAt.getTime() - rng.int(1, 10) * DAY_MS),
          hasMeter: true,
          name: org ? 'Merkez' : rng.pick(HOME_NAMES),
        });
      if (twoSubs.has(i))
        subs.push({
          createdAt: atHour(now.getTime() - rng.int(2, 60) * DAY_MS - rng.int(0, 23) * HOUR_MS),
          hasMeter: false,
          name: org ? 'Şube' : rng.pick(SECOND_HOME_NAMES),
        });
      const customerCreatedAt = subs.length
        ? new Date(subs[0].createdAt.getTime() - rng.int(0, 5) * DAY_MS)
        : atHour(now.getTime() - rng.int(1, 30) * DAY_MS);

      const serviceAddresses = subs.map((s) =>
        makeAddress(
          rng,
          pop.city,
          {
            tenantId,
            name: s.name,
            kind: org ? 'BUSINESS' : rng.chance(0.8) ? 'FLAT' : 'HOUSE',
            description: rng.pick(METER_SPOTS),
            createdAt: s.createdAt,
          },
          uavtTaken,
        ),
      );
      // The correspondence address is usually the home itself (same UAVT), sometimes elsewhere in the city.
      const customerAddress: AddressRow =
        serviceAddresses.length && rng.chance(0.7)
          ? {
              ...serviceAddresses[0],
              id: rng.uuid(),
              name: org ? 'Fatura adresi' : 'İkamet adresi',
              description: 'Yazışma ve fatura adresi.',
              created_at: customerCreatedAt,
            }
          : makeAddress(
              rng,
              pop.city,
              {
                tenantId,
                name: org ? 'Fatura adresi' : 'İkamet adresi',
                kind: org ? 'OFFICE' : 'FLAT',
                description: 'Yazışma ve fatura adresi.',
                createdAt: customerCreatedAt,
              },
              uavtTaken,
            );
      plan.rows.addresses.push(customerAddress, ...serviceAddresses);

      if (org) {
        const contact = person();
        plan.rows.customers.push({
          id: customerId,
          tenant_id: tenantId,
          customer_type: type,
          organization_name: org.name,
          tax_id: taxId(rng),
          tax_office: rng.pick(pop.city.taxOffices),
          phone: mobilePhone(rng),
          email: organizationEmail(org.name),
          address_id: customerAddress.id,
          created_at: customerCreatedAt,
          updated_at: customerCreatedAt,
        });
        plan.rows.contacts.push({
          id: rng.uuid(),
          customer_id: customerId,
          name: contact.name,
          surname: contact.surname,
          tc_id_no: contact.tcIdNo,
          phone: contact.phone,
          email: contact.email,
          details: rng.pick(CONTACT_ROLES),
          address_id: null,
          is_primary: true,
          created_at: customerCreatedAt,
        });
      } else {
        const p = person();
        plan.rows.customers.push({
          id: customerId,
          tenant_id: tenantId,
          customer_type: type,
          name: p.name,
          surname: p.surname,
          tc_id_no: p.tcIdNo,
          phone: p.phone,
          email: p.email,
          address_id: customerAddress.id,
          created_at: customerCreatedAt,
          updated_at: customerCreatedAt,
        });
        // "If another contact" (brief 2.3.3.9.2.1.6): a relative or tenant for some households.
        if (rng.chance(0.08)) {
          const c = person();
          plan.rows.contacts.push({
            id: rng.uuid(),
            customer_id: customerId,
            name: c.name,
            surname: p.surname,
            tc_id_no: c.tcIdNo,
            phone: c.phone,
            email: c.email,
            details: rng.pick(RELATIONS),
            address_id: customerAddress.id,
            is_primary: false,
            created_at: customerCreatedAt,
          });
        }
      }

      subs.forEach((s, k) => {
        tenantSubs.push({
          id: rng.uuid(),
          tenantKey: pop.key,
          tenantId,
          customerId,
          subscriptionNo: '',
          customerType: type,
          group,
          usage,
          addressId: serviceAddresses[k].id,
          createdAt: s.createdAt,
          hasMeter: s.hasMeter,
          installedAt: s.hasMeter ? installedAt : null,
        });
      });
    });

    // Subscription numbers follow the order subscriptions were opened, as a utility's register does.
    tenantSubs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    tenantSubs.forEach((s, n) => (s.subscriptionNo = `${pop.subscriptionPrefix}-${String(n + 1).padStart(6, '0')}`));
    plan.subscriptions.push(...tenantSubs);
  }

  plan.rows.subscriptions = plan.subscriptions.map((s) => ({
    id: s.id,
    tenant_id: s.tenantId,
    customer_id: s.customerId,
    subscription_no: s.subscriptionNo,
    subscription_type: s.customerType,
    group_id: defs.groups.get(s.group)!,
    address_id: s.addressId,
    is_active: true,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  }));
  return plan;
}

export async function insertCustomers(ctx: SeedContext, plan: CustomerPlan): Promise<void> {
  await insertChunked(ctx, 'address', plan.rows.addresses);
  await insertChunked(ctx, 'customer', plan.rows.customers);
  await insertChunked(ctx, 'customer_contact', plan.rows.contacts);
  await insertChunked(ctx, 'subscription', plan.rows.subscriptions);
}
