import { Injectable } from '@nestjs/common';
import { JobName, JobStatus, type RenderInvoicePdfRequest } from '../../../core/jobs/jobs.types';
import { OnJob } from '../../../core/jobs/on-job.decorator';
import { InvoicePdfService } from './invoice-pdf.service';

/** The worker's side: renders and stores the PDF of each issued invoice. */
@Injectable()
export class InvoicePdfJobs {
  constructor(private readonly pdfs: InvoicePdfService) {}

  @OnJob({ name: JobName.RenderInvoicePdf })
  async render(request: RenderInvoicePdfRequest): Promise<JobStatus> {
    // A draft or an unknown id has nothing to store.
    return (await this.pdfs.render(request.invoiceId)) ? JobStatus.Success : JobStatus.Skipped;
  }
}
