import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { AccessContext } from '../../../core/access/access-context';
import { asSystem } from '../../../core/database/tenant-scope';
import { EntityNotFoundException } from '../../../core/http/errors';
import type { Transaction } from '../../../core/database/unit-of-work';
import { JobOutbox } from '../../../core/jobs/job-outbox';
import { JobName } from '../../../core/jobs/jobs.types';
import { DocumentNotFoundError, DocumentStorage } from '../../../core/storage/document-storage';
import { invoiceDocument, type InvoicePdfRecord } from './invoice-document';
import { InvoicePdfRepository } from './invoice-pdf.repository';
import { renderInvoicePdf } from './invoice-pdf.renderer';

export const PDF_CONTENT_TYPE = 'application/pdf';

/** What the download route sends. */
export interface InvoicePdfFile {
  fileName: string;
  body: Readable | Buffer;
}

/**
 * Invoice PDFs (issue 18). An issued invoice's PDF is rendered once (a job on issue, or the first
 * download), stored through the document storage under a key of its tenant, and its key recorded on the
 * invoice (pdf_key, which the database lets be set once). A cancelled invoice's copy, watermarked, is kept
 * under a key of its own beside it; pdf_key stays the document as issued. Drafts are rendered on each
 * request and never stored. Rules: docs/decisions.md, "Billing: invoice documents".
 */
@Injectable()
export class InvoicePdfService {
  private readonly logger = new Logger('invoice-pdf');

  constructor(
    private readonly repository: InvoicePdfRepository,
    private readonly storage: DocumentStorage,
    private readonly outbox: JobOutbox,
  ) {}

  /**
   * Queues the rendering of an issued invoice's PDF with the transaction that issues it (the job outbox: enqueued
   * once it commits). One job per invoice: asking again while it waits adds nothing.
   */
  async renderLater(tx: Transaction, invoiceId: string, requestId?: string): Promise<void> {
    await this.outbox.add(tx, JobName.RenderInvoicePdf, { invoiceId, requestId }, { jobId: `invoice-pdf-${invoiceId}` });
  }

  /**
   * Renders and stores the PDF of an issued or cancelled invoice unless it is stored already, and answers
   * its key; null for a draft (never stored) or an invoice that does not exist. System work: the caller
   * has checked the rights (or is the worker).
   */
  async render(invoiceId: string): Promise<string | null> {
    const record = await asSystem(() => this.repository.find(invoiceId));
    if (!record || record.status === 'DRAFT') return null;
    return this.stored(record);
  }

  /** The PDF of an invoice the caller may read (BILLING read on its tenant; 404 otherwise). */
  async download(access: AccessContext, invoiceId: string): Promise<InvoicePdfFile> {
    const record = await this.repository.find(invoiceId);
    if (!record) throw new EntityNotFoundException('invoice', invoiceId);
    access.require('BILLING', 'read', record.tenantId, 'invoice', invoiceId);
    if (record.status === 'DRAFT') return { fileName: `draft-${record.id}.pdf`, body: await renderInvoicePdf(invoiceDocument(record)) };
    const key = await this.stored(record);
    const fileName = `${record.number}${record.status === 'CANCELLED' ? '-cancelled' : ''}.pdf`;
    try {
      return { fileName, body: await this.storage.get(key) };
    } catch (err) {
      // Removed between the check and the read (an operator's clean-up): render it again once.
      if (!(err instanceof DocumentNotFoundError)) throw err;
      return { fileName, body: await this.put(record, key) };
    }
  }

  /** The key of the invoice's stored PDF (issued, or cancelled with its watermark), rendering it when missing. */
  private async stored(record: InvoicePdfRecord): Promise<string> {
    const key = record.status === 'CANCELLED' ? cancelledKey(record) : (record.pdfKey ?? issuedKey(record));
    if (await this.storage.exists(key)) {
      if (record.status === 'ISSUED' && !record.pdfKey) await asSystem(() => this.repository.setPdfKey(record.id, key));
      return key;
    }
    await this.put(record, key);
    // Set once: a concurrent render stored the same bytes under the same key and recorded it first.
    if (record.status === 'ISSUED' && !record.pdfKey) await asSystem(() => this.repository.setPdfKey(record.id, key));
    return key;
  }

  private async put(record: InvoicePdfRecord, key: string): Promise<Buffer> {
    const started = Date.now();
    const pdf = await renderInvoicePdf(invoiceDocument(record));
    await this.storage.put(key, pdf, PDF_CONTENT_TYPE);
    this.logger.debug({ invoiceId: record.id, key, bytes: pdf.length, ms: Date.now() - started }, 'invoice PDF stored');
    return pdf;
  }
}

/** tenants/<tenant id>/invoices/<year>/<number>.pdf: one folder per tenant, numbers unique within it. */
export function issuedKey(record: Pick<InvoicePdfRecord, 'tenantId' | 'number' | 'numberYear' | 'id'>): string {
  return `tenants/${record.tenantId}/invoices/${record.numberYear ?? 'unnumbered'}/${record.number ?? record.id}.pdf`;
}

export function cancelledKey(record: Pick<InvoicePdfRecord, 'tenantId' | 'number' | 'numberYear' | 'id'>): string {
  return issuedKey(record).replace(/\.pdf$/, '.cancelled.pdf');
}
