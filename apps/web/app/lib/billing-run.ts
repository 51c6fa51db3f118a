import type { FieldIssue } from '~/lib/form-model';
import { monthPeriod } from '~/lib/billing-preview-form';

/**
 * Billing runs in the console (issue 18), pure: where a run stands, how far it got, what it may do next,
 * and the start form (tenant + month). A run is QUEUED → RUNNING → DRAFT (review) → ISSUING → ISSUED,
 * or FAILED; a DRAFT or FAILED period may be run again, only a DRAFT one issued.
 */

export type RunStatus = 'QUEUED' | 'RUNNING' | 'DRAFT' | 'ISSUING' | 'ISSUED' | 'FAILED';

export interface RunLike {
  id: string;
  status: RunStatus;
  subscriptionsTotal: number;
  subscriptionsDone: number;
  invoiceCount: number;
  issuedCount: number;
  grossKurus: number;
}

/** What a `billing-run.progress` live event carries (packages/shared live-events). */
export interface RunProgressLike {
  runId: string;
  status: RunStatus;
  subscriptionsTotal: number;
  subscriptionsDone: number;
  invoiceCount: number;
  issuedCount: number;
  grossKurus: number;
}

export const RUN_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'DRAFT', 'ISSUING', 'ISSUED', 'FAILED'];

/** The worker is on it: the page follows it (live events, and asking again every few seconds). */
export function isRunActive(status: RunStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING' || status === 'ISSUING';
}

/** Drafts may be issued once computed. */
export const canIssueRun = (status: RunStatus) => status === 'DRAFT';
/** A period under review or failed may be computed again (drafts are recomputed, never duplicated). */
export const canRerun = (status: RunStatus) => status === 'DRAFT' || status === 'FAILED';

/** How far the current step is, 0–100: subscriptions priced while running, invoices issued while issuing. */
export function runProgressPercent(run: RunLike): number {
  const [done, total] =
    run.status === 'ISSUING' || run.status === 'ISSUED'
      ? [run.issuedCount, run.invoiceCount]
      : [run.subscriptionsDone, run.subscriptionsTotal];
  if (run.status === 'ISSUED' || run.status === 'DRAFT') return 100;
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((done * 100) / total));
}

/** A run with a live event's counters applied (events of other runs leave it as it is). */
export function applyRunProgress<R extends RunLike>(run: R, event: RunProgressLike): R {
  if (event.runId !== run.id) return run;
  return {
    ...run,
    status: event.status,
    subscriptionsTotal: event.subscriptionsTotal,
    subscriptionsDone: event.subscriptionsDone,
    invoiceCount: event.invoiceCount,
    issuedCount: event.issuedCount,
    grossKurus: event.grossKurus,
  };
}

export interface StartRunValues {
  tenantId: string;
  /** YYYY-MM */
  period: string;
}

export function validateStartRun(values: StartRunValues): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  if (!values.tenantId) issues.tenantId = { key: 'billing.validation.choose' };
  if (!monthPeriod(values.period)) issues.period = { key: 'billing.validation.month' };
  return issues;
}

export interface CancelValues {
  reason: string;
  reissue: boolean;
}

export function validateCancel(values: CancelValues): Record<string, FieldIssue> {
  const reason = values.reason.trim();
  if (!reason) return { reason: { key: 'billing.validation.required' } };
  if (reason.length > 500) return { reason: { key: 'billing.validation.maxLength', params: { max: 500 } } };
  return {};
}

export const cancelPayload = (values: CancelValues) => ({ reason: values.reason.trim(), reissue: values.reissue });
