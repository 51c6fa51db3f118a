import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export interface ProviderSettingsRow {
  tenantId: string;
  provider: string;
  enabled: boolean;
  secretCiphertext: string;
  secretFingerprint: string;
  previousCiphertext: string | null;
  previousValidUntil: Date | null;
  updatedAt: Date;
  updatedById: string | null;
}

export interface ProviderEventRow {
  id: string;
  provider: string;
  eventId: string;
  type: string;
  outcome: string;
  detail: string | null;
  paymentId: string | null;
  receivedAt: Date;
}

export interface ProviderEventInsert {
  tenantId: string;
  provider: string;
  eventId: string;
  type: string;
  outcome: 'APPLIED' | 'IGNORED' | 'UNMATCHED';
  detail: string | null;
  paymentId: string | null;
  payload: unknown;
}

/** The payment provider's settings per tenant and the events received (migration 0022). */
@Injectable()
export class PaymentProviderRepository {
  constructor(private readonly database: DatabaseService) {}

  private run<R>(tx: Transaction | undefined, query: RawBuilder<R>): Promise<R[]> {
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  async settings(tenantId: string, provider: string, tx?: Transaction): Promise<ProviderSettingsRow | null> {
    const [row] = await this.run<ProviderSettingsRow>(
      tx,
      sql`SELECT tenant_id AS "tenantId", provider, enabled, secret_ciphertext AS "secretCiphertext",
                 secret_fingerprint AS "secretFingerprint", previous_ciphertext AS "previousCiphertext",
                 previous_valid_until AS "previousValidUntil", updated_at AS "updatedAt", updated_by_id AS "updatedById"
            FROM payment_provider_settings WHERE tenant_id = ${tenantId}::uuid AND provider = ${provider}`,
    );
    return row ?? null;
  }

  async saveSettings(tx: Transaction, s: Omit<ProviderSettingsRow, 'updatedAt'>): Promise<void> {
    await this.run(
      tx,
      sql`INSERT INTO payment_provider_settings (tenant_id, provider, enabled, secret_ciphertext, secret_fingerprint, previous_ciphertext,
                                                 previous_valid_until, updated_at, updated_by_id)
          VALUES (${s.tenantId}::uuid, ${s.provider}, ${s.enabled}, ${s.secretCiphertext}, ${s.secretFingerprint}, ${s.previousCiphertext},
                  ${s.previousValidUntil}::timestamptz, now(), ${s.updatedById}::uuid)
          ON CONFLICT (tenant_id, provider) DO UPDATE SET enabled = EXCLUDED.enabled, secret_ciphertext = EXCLUDED.secret_ciphertext,
                 secret_fingerprint = EXCLUDED.secret_fingerprint, previous_ciphertext = EXCLUDED.previous_ciphertext,
                 previous_valid_until = EXCLUDED.previous_valid_until, updated_at = now(), updated_by_id = EXCLUDED.updated_by_id
          RETURNING tenant_id`,
    );
  }

  /** Serialises the handling of one event (two deliveries of it at once) until the transaction ends. */
  async lockEvent(tx: Transaction, key: string): Promise<void> {
    await this.run(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`water.provider-event:${key}`}, 0))::text AS locked`);
  }

  async event(tenantId: string, provider: string, eventId: string, tx?: Transaction): Promise<{ id: string; outcome: string } | null> {
    const [row] = await this.run<{ id: string; outcome: string }>(
      tx,
      sql`SELECT id, outcome FROM payment_provider_event
           WHERE tenant_id = ${tenantId}::uuid AND provider = ${provider} AND event_id = ${eventId}`,
    );
    return row ?? null;
  }

  async insertEvent(tx: Transaction, e: ProviderEventInsert): Promise<string> {
    const [row] = await this.run<{ id: string }>(
      tx,
      sql`INSERT INTO payment_provider_event (tenant_id, provider, event_id, type, outcome, detail, payment_id, payload)
          VALUES (${e.tenantId}::uuid, ${e.provider}, ${e.eventId}, ${e.type}, ${e.outcome}, ${e.detail}, ${e.paymentId}::uuid,
                  ${JSON.stringify(e.payload)}::jsonb)
          RETURNING id`,
    );
    return row.id;
  }

  async events(
    tenantId: string,
    outcome: string | undefined,
    offset: number,
    limit: number,
  ): Promise<{ rows: ProviderEventRow[]; total: number }> {
    const where = sql`tenant_id = ${tenantId}::uuid ${outcome ? sql`AND outcome = ${outcome}` : sql``}`;
    const rows = await this.run<ProviderEventRow>(
      undefined,
      sql`SELECT id, provider, event_id AS "eventId", type, outcome, detail, payment_id AS "paymentId", received_at AS "receivedAt"
            FROM payment_provider_event WHERE ${where} ORDER BY received_at DESC, id DESC OFFSET ${offset} LIMIT ${limit}`,
    );
    const [count] = await this.run<{ n: number }>(undefined, sql`SELECT count(*)::int AS n FROM payment_provider_event WHERE ${where}`);
    return { rows, total: count.n };
  }
}
