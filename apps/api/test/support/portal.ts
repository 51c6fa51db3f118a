/**
 * Portal test helpers: a customer's portal account and a signed-in session without the sign-up flow.
 *
 *   const customer = await makeCustomer(t, { tenant });
 *   const { accessToken } = await makePortalAccount(t, { customerId: customer.id, tenantId: tenant.id });
 *   await t.request({ url: '/api/portal/me', token: accessToken });
 *
 * The token is signed as core/auth/portal-session.ts expects (HS256 with the app's access key, issuer
 * water-api, audience water-portal, sub = account, sid = refresh-token family, gen = session generation),
 * and the family has a live refresh-token row, so PortalSessionVerifier accepts it like a real login's.
 */
import { unzipSync } from 'fflate';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as argon2 from 'argon2';
import { JwtService } from '@nestjs/jwt';
import { accessTokenKey, JWT_ISSUER, PORTAL_JWT_AUDIENCE } from '../../src/core/auth/jwt.strategy';
import {
  makeAlarm,
  makeCustomer,
  makeDevice,
  makeHourlyReadings,
  makeInvoice,
  makeMeter,
  makePayment,
  makeSubscription,
  rollUpDays,
  type Customer,
  type Device,
  type Invoice,
  type Meter,
  type Subscription,
  type Tenant,
} from './factories';
import type { TestApp } from './test-app';

export const DEFAULT_PORTAL_PASSWORD = 'Portal-Password-2026';

let counter = 0;
const RUN = randomBytes(2).toString('hex');
const hashes = new Map<string, Promise<string>>();
/** argon2id is slow on purpose: one hash per distinct password per process. */
function passwordHash(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) hashes.set(password, (h = argon2.hash(password, { type: argon2.argon2id })));
  return h;
}

export interface PortalAccount {
  accountId: string;
  email: string;
  password: string;
  accessToken: string;
  familyId: string;
}

/** A portal access token for `accountId`'s session `familyId` at generation `gen` (as the verifier checks it). */
export function portalTokenFor(
  t: TestApp,
  o: { accountId: string; familyId: string; gen?: number; ttlSeconds?: number; audience?: string },
): string {
  const now = Math.floor(Date.now() / 1000);
  return new JwtService().sign(
    {
      sub: o.accountId,
      sid: o.familyId,
      gen: o.gen ?? 0,
      iat: now,
      exp: now + (o.ttlSeconds ?? Math.min(600, t.config.JWT_ACCESS_TTL_SECONDS)),
    },
    {
      secret: accessTokenKey(t.config.JWT_ACCESS_SECRET),
      algorithm: 'HS256',
      issuer: JWT_ISSUER,
      audience: o.audience ?? PORTAL_JWT_AUDIENCE,
    },
  );
}

/** Another live session (refresh-token family) of an account, with its access token. */
export async function makePortalSession(
  t: TestApp,
  o: { accountId: string; tenantId: string; gen?: number },
): Promise<{ familyId: string; accessToken: string }> {
  const familyId = randomUUID();
  await t.kysely
    .insertInto('portal_refresh_token')
    .values({
      account_id: o.accountId,
      tenant_id: o.tenantId,
      family_id: familyId,
      token_hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      expires_at: new Date(Date.now() + 30 * 86_400_000),
    })
    .execute();
  return { familyId, accessToken: portalTokenFor(t, { accountId: o.accountId, familyId, gen: o.gen }) };
}

/** A portal account of `customerId` (argon2id password hash) with one live session. */
export async function makePortalAccount(
  t: TestApp,
  o: {
    customerId: string;
    tenantId: string;
    email?: string;
    password?: string;
    language?: 'tr' | 'en';
    isActive?: boolean;
  },
): Promise<PortalAccount> {
  const password = o.password ?? DEFAULT_PORTAL_PASSWORD;
  const { id, email, session_generation } = await t.kysely
    .insertInto('portal_account')
    .values({
      tenant_id: o.tenantId,
      customer_id: o.customerId,
      email: o.email ?? `portal-${RUN}-${++counter}@example.com`,
      password_hash: await passwordHash(password),
      language: o.language,
      is_active: o.isActive,
    })
    .returning(['id', 'email', 'session_generation'])
    .executeTakeFirstOrThrow();
  const session = await makePortalSession(t, { accountId: id, tenantId: o.tenantId, gen: session_generation });
  return { accountId: id, email, password, accessToken: session.accessToken, familyId: session.familyId };
}

/** The files of a ZIP archive (fflate, as the export is written). */
export function unzip(zip: Buffer): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, Buffer.from(data)]));
}

/** What `makePortalCustomerRecords` made: ids and values that only this customer's answers may contain. */
export interface PortalCustomerRecords {
  customer: Customer;
  account: PortalAccount;
  subscription: Subscription;
  meter: Meter;
  device: Device;
  invoice: Invoice;
  alarmId: string;
  notificationId: string;
  /** Strings that identify this customer's records (ids, numbers, serials, e-mail, a notification title). */
  markers: string[];
}

/**
 * A customer of `tenant` with a portal account and one of everything the portal shows: a subscription
 * with a meter and device, two days of readings (rolled up), an open alarm, an issued invoice with a
 * payment, a consent record and an unread notification.
 */
export async function makePortalCustomerRecords(t: TestApp, o: { tenant: Tenant }): Promise<PortalCustomerRecords> {
  const customer = await makeCustomer(t, { tenant: o.tenant, address: true, phone: `+90532${String(++counter).padStart(7, '0')}` });
  const account = await makePortalAccount(t, { customerId: customer.id, tenantId: o.tenant.id });
  const subscription = await makeSubscription(t, { tenant: o.tenant, customer, address: customer.addressId ?? undefined });
  const meter = await makeMeter(t, { tenant: o.tenant, subscription, installedAt: new Date(Date.now() - 10 * 86_400_000) });
  const device = await makeDevice(t, { tenant: o.tenant, meter });
  await makeHourlyReadings(t, { device, hours: 48 });
  await rollUpDays(t, { meterId: meter.id });
  const { id: alarmId } = await makeAlarm(t, { device, type: 'LEAK', subscription });
  const invoice = await makeInvoice(t, { subscription, grossKurus: 4_321 });
  await makePayment(t, { subscription, amountKurus: 1_000, allocations: [{ invoice, amountKurus: 1_000 }] });
  await t.kysely
    .insertInto('portal_consent')
    .values({ account_id: account.accountId, tenant_id: o.tenant.id, kind: 'KVKK_PRIVACY_NOTICE', version: '1', granted: true })
    .execute();
  const title = `Notice ${RUN}-${counter} for ${account.email}`;
  const { id: notificationId } = await t.kysely
    .insertInto('notification')
    .values({
      tenant_id: o.tenant.id,
      portal_account_id: account.accountId,
      event_type: 'invoice.issued',
      severity: 'INFO',
      title,
      body: title,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    customer,
    account,
    subscription,
    meter,
    device,
    invoice,
    alarmId,
    notificationId,
    markers: [
      customer.id,
      subscription.id,
      subscription.subscriptionNo,
      meter.id,
      meter.serialNo,
      invoice.id,
      invoice.number!,
      alarmId,
      notificationId,
      account.email,
      title,
    ],
  };
}
