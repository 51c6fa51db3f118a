import { CreateSubscriptionSchema, type CreateSubscriptionInput } from '../subscriptions/subscriptions.dto';
import type { ColumnSpec } from './import-columns';
import type { TableRow } from './import-file';
import { cellText, type Cell } from './import-values';
import type { RowError } from './imports.repository';

/**
 * Columns of a customers file: one row a subscription with its customer and its address, in English
 * or Turkish. The customer is known by TC ID No (individual) or tax id (organisation), the subscription
 * by its number within the tenant.
 */
export const CUSTOMER_COLUMNS: ColumnSpec[] = [
  { key: 'subscription_no', aliases: ['subscription', 'abone_no', 'abonelik_no', 'tesisat_no'], required: true },
  { key: 'type', aliases: ['customer_type', 'subscription_type', 'tip', 'abone_tipi', 'musteri_tipi'] },
  { key: 'group', aliases: ['subscription_group', 'grup', 'abone_grubu'] },
  { key: 'name', aliases: ['first_name', 'ad', 'adi'] },
  { key: 'surname', aliases: ['last_name', 'soyad', 'soyadi'] },
  { key: 'tc_id_no', aliases: ['tc', 'tckn', 'tc_kimlik_no', 'tc_no'] },
  { key: 'organization_name', aliases: ['organization', 'company', 'kurum_adi', 'unvan', 'firma'] },
  { key: 'tax_id', aliases: ['tax_no', 'vergi_no', 'vkn', 'vergi_kimlik_no'] },
  { key: 'tax_office', aliases: ['vergi_dairesi'] },
  { key: 'contact_name', aliases: ['yetkili_adi', 'yetkili_ad'] },
  { key: 'contact_surname', aliases: ['yetkili_soyadi', 'yetkili_soyad'] },
  { key: 'phone', aliases: ['telefon', 'tel', 'gsm'] },
  { key: 'email', aliases: ['e_mail', 'e_posta', 'eposta'] },
  { key: 'city', aliases: ['il', 'sehir'] },
  { key: 'district', aliases: ['ilce'] },
  { key: 'neighborhood', aliases: ['mahalle'] },
  { key: 'street', aliases: ['sokak', 'cadde', 'cadde_sokak'] },
  { key: 'building_no', aliases: ['bina_no'] },
  { key: 'floor', aliases: ['kat'] },
  { key: 'door_no', aliases: ['daire_no', 'kapi_no'] },
  { key: 'postal_code', aliases: ['posta_kodu'] },
  { key: 'uavt_code', aliases: ['uavt', 'uavt_kodu', 'adres_kodu'] },
];

/** Where a field of the subscription's input comes from in the file, to name the column of a refusal. */
const COLUMN_OF: Record<string, string> = {
  subscriptionNo: 'subscription_no',
  type: 'type',
  groupId: 'group',
  'customer.name': 'name',
  'customer.surname': 'surname',
  'customer.tcIdNo': 'tc_id_no',
  'customer.organizationName': 'organization_name',
  'customer.taxId': 'tax_id',
  'customer.taxOffice': 'tax_office',
  'customer.contact.name': 'contact_name',
  'customer.contact.surname': 'contact_surname',
  'customer.contact': 'contact_name',
  'customer.phone': 'phone',
  'customer.email': 'email',
  'address.city': 'city',
  'address.district': 'district',
  'address.neighborhood': 'neighborhood',
  'address.street': 'street',
  'address.buildingNo': 'building_no',
  'address.floor': 'floor',
  'address.doorNo': 'door_no',
  'address.postalCode': 'postal_code',
  'address.uavtCode': 'uavt_code',
};

const TYPES: Record<string, 'INDIVIDUAL' | 'ORGANIZATIONAL'> = {
  individual: 'INDIVIDUAL',
  bireysel: 'INDIVIDUAL',
  organizational: 'ORGANIZATIONAL',
  organisational: 'ORGANIZATIONAL',
  kurumsal: 'ORGANIZATIONAL',
};

/** A row as the subscription it creates: the service's own input, and the customer's natural key. */
export interface ParsedCustomerRow {
  rowNo: number;
  subscriptionNo: string;
  group: string;
  /** `tc:<TC ID No>` or `tax:<tax id>`: the customer this row's subscription belongs to. */
  customerKey: string;
  input: CreateSubscriptionInput;
}

const PLACEHOLDER = '00000000-0000-4000-8000-000000000000';

/**
 * Reads a row into CreateSubscriptionSchema's input (a new customer inline, the address inline) and
 * checks it with that very schema, so TC ID and tax id checksums, e-mail, postal code and the rest are
 * the console's rules. Group and customer ids are filled in later (placeholders while checking).
 */
export function parseCustomerRow(row: TableRow, at: Map<string, number>, tenantId: string): ParsedCustomerRow | RowError[] {
  const get = (key: string): Cell => (at.has(key) ? (row.cells[at.get(key)!] ?? null) : null);
  const text = (key: string) => cellText(get(key)) || undefined;
  const err = (column: string | null, message: string): RowError[] => [{ rowNo: row.rowNo, column, message }];
  const subscriptionNo = text('subscription_no');
  if (!subscriptionNo) return err('subscription_no', 'is empty');
  const typeText = text('type');
  const folded = typeText?.toLowerCase().replace(/ı/g, 'i');
  const type = typeText
    ? (TYPES[folded!] ??
      (['INDIVIDUAL', 'ORGANIZATIONAL'].includes(typeText.toUpperCase()) ? (typeText.toUpperCase() as 'INDIVIDUAL') : undefined))
    : text('tax_id') || text('organization_name')
      ? 'ORGANIZATIONAL'
      : 'INDIVIDUAL';
  if (!type) return err('type', 'must be INDIVIDUAL or ORGANIZATIONAL (bireysel/kurumsal)');
  const customer =
    type === 'INDIVIDUAL'
      ? { name: text('name'), surname: text('surname'), tcIdNo: text('tc_id_no'), phone: text('phone'), email: text('email') }
      : {
          organizationName: text('organization_name'),
          taxId: text('tax_id'),
          taxOffice: text('tax_office'),
          phone: text('phone'),
          email: text('email'),
          contact: { name: text('contact_name'), surname: text('contact_surname') },
        };
  const address = {
    city: text('city'),
    district: text('district'),
    neighborhood: text('neighborhood'),
    street: text('street'),
    buildingNo: text('building_no'),
    floor: text('floor'),
    doorNo: text('door_no'),
    postalCode: text('postal_code'),
    uavtCode: text('uavt_code'),
  };
  const raw = { tenantId, subscriptionNo, type, groupId: PLACEHOLDER, customer, address };
  const result = CreateSubscriptionSchema.safeParse(raw);
  if (!result.success)
    return result.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const column = COLUMN_OF[path] ?? COLUMN_OF[path.split('.').slice(0, 2).join('.')] ?? null;
      return { rowNo: row.rowNo, column, message: /received undefined/.test(i.message) ? 'is empty' : i.message };
    });
  const key = type === 'INDIVIDUAL' ? `tc:${text('tc_id_no')}` : `tax:${text('tax_id')}`;
  return { rowNo: row.rowNo, subscriptionNo, group: text('group') ?? 'NORMAL', customerKey: key, input: result.data };
}
