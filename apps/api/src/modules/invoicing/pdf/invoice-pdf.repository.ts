import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { DatabaseService } from '../../../core/database/database.service';
import type { AddressParts, InvoicePdfRecord } from './invoice-document';

const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const dayOrNull = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

/** What an invoice's PDF shows, read in one query; the document storage is not touched here. */
@Injectable()
export class InvoicePdfRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  async find(id: string): Promise<InvoicePdfRecord | null> {
    const row = await this.db
      .selectFrom('invoice as i')
      .innerJoin('tenant as t', 't.id', 'i.tenant_id')
      .innerJoin('customer as c', 'c.id', 'i.customer_id')
      .innerJoin('subscription as s', 's.id', 'i.subscription_id')
      // The subscription's address is where the water is used; the customer's is the fallback.
      .leftJoin('address as a', (j) => j.on(sql<boolean>`a.id = coalesce(s.address_id, c.address_id)`))
      .leftJoin('invoice as corrected', 'corrected.id', 'i.corrects_invoice_id')
      .leftJoin('tenant_logo as logo', 'logo.tenant_id', 'i.tenant_id')
      .where('i.id', '=', id)
      .select((eb) => [
        'i.id',
        'i.tenant_id as tenantId',
        'i.kind',
        'i.status',
        'i.number',
        'i.number_year as numberYear',
        day('i.period_start').as('periodStart'),
        day('i.period_end').as('periodEnd'),
        dayOrNull('i.issue_date').as('issueDate'),
        dayOrNull('i.due_date').as('dueDate'),
        sql<string>`i.consumption_m3::text`.as('consumptionM3'),
        sql<string>`i.estimated_m3::text`.as('estimatedM3'),
        'i.net_kurus as netKurus',
        'i.vat_kurus as vatKurus',
        'i.gross_kurus as grossKurus',
        'i.currency',
        'i.language',
        'i.snapshot',
        'i.pdf_key as pdfKey',
        'i.cancel_reason as cancelReason',
        'corrected.number as correctsNumber',
        't.name as tenantName',
        't.tax_id as tenantTaxId',
        't.tax_office as tenantTaxOffice',
        'logo.image as logoImage',
        'logo.content_type as logoContentType',
        'c.customer_type as customerType',
        'c.name as customerName',
        'c.surname as customerSurname',
        'c.organization_name as customerOrganization',
        'c.tax_id as customerTaxId',
        's.subscription_no as subscriptionNo',
        'a.street',
        'a.building_no as buildingNo',
        'a.door_no as doorNo',
        'a.neighborhood',
        'a.district',
        'a.city',
        'a.name as addressName',
        jsonArrayFrom(
          eb
            .selectFrom('invoice_line as l')
            .whereRef('l.invoice_id', '=', 'i.id')
            .orderBy('l.ordinal')
            .select([
              'l.ordinal',
              'l.component',
              'l.tier',
              'l.description',
              dayOrNull('l.segment_start').as('segmentStart'),
              dayOrNull('l.segment_end').as('segmentEnd'),
              sql<string | null>`l.quantity_m3::text`.as('quantityM3'),
              'l.unit_price_kurus as unitPriceKurus',
              sql<string>`l.net_kurus::text`.as('netKurus'),
              'l.vat_rate_bp as vatRateBp',
              sql<string>`l.vat_kurus::text`.as('vatKurus'),
              sql<string>`l.gross_kurus::text`.as('grossKurus'),
            ]),
        ).as('lines'),
      ])
      .executeTakeFirst();
    if (!row) return null;
    const address: AddressParts | null =
      row.street || row.city || row.district || row.neighborhood || row.addressName
        ? {
            street: row.street,
            buildingNo: row.buildingNo,
            doorNo: row.doorNo,
            neighborhood: row.neighborhood,
            district: row.district,
            city: row.city,
            name: row.addressName,
          }
        : null;
    const person = [row.customerName, row.customerSurname].filter(Boolean).join(' ');
    return {
      id: row.id,
      tenantId: row.tenantId,
      kind: row.kind,
      status: row.status,
      number: row.number,
      numberYear: row.numberYear,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      issueDate: row.issueDate,
      dueDate: row.dueDate,
      consumptionM3: row.consumptionM3,
      estimatedM3: row.estimatedM3,
      netKurus: BigInt(row.netKurus),
      vatKurus: BigInt(row.vatKurus),
      grossKurus: BigInt(row.grossKurus),
      language: row.language,
      snapshot: row.snapshot,
      pdfKey: row.pdfKey,
      cancelReason: row.cancelReason,
      correctsNumber: row.correctsNumber,
      logo: row.logoImage ? Buffer.from(row.logoImage) : null,
      current: {
        tenant: { name: row.tenantName, taxId: row.tenantTaxId, taxOffice: row.tenantTaxOffice },
        customer: {
          name: (row.customerType === 'ORGANIZATIONAL' ? row.customerOrganization : person) || row.customerOrganization || person,
          taxId: row.customerTaxId,
        },
        subscriptionNo: row.subscriptionNo,
        address,
      },
      lines: row.lines.map((l) => ({
        ...l,
        netKurus: BigInt(l.netKurus),
        vatKurus: BigInt(l.vatKurus),
        grossKurus: BigInt(l.grossKurus),
      })),
    };
  }

  /** Records the stored PDF of an issued (or cancelled) invoice, once: false when another render was first. */
  async setPdfKey(id: string, key: string): Promise<boolean> {
    const result = await this.db
      .updateTable('invoice')
      .set({ pdf_key: key })
      .where('id', '=', id)
      .where('pdf_key', 'is', null)
      .where('status', '<>', 'DRAFT')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
