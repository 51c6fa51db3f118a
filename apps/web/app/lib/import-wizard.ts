/**
 * The import wizard (issue 17): upload → dry run (the check) → confirm → the real run → report. A job
 * of the API (GET /api/imports/:id) says where the wizard stands; `import.progress` live events move
 * its counters between two looks at the job.
 */
import type { PermissionAction, PermissionModule } from '@water/shared';
import type { PagePermission, Right } from './page-permission';

export type ImportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

/** What the wizard imports, and the rights the API asks for each, all of them (imports.service.ts IMPORT_RIGHTS). */
export const IMPORT_KINDS = ['READINGS', 'METERS', 'CUSTOMERS', 'DEVICES'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_KIND_RIGHTS: Record<ImportKind, readonly Right[]> = {
  READINGS: [{ module: 'METERS', action: 'update' }],
  METERS: [{ module: 'METERS', action: 'create' }],
  CUSTOMERS: [
    { module: 'SUBSCRIPTIONS', action: 'create' },
    { module: 'CUSTOMERS', action: 'create' },
  ],
  DEVICES: [{ module: 'DEVICES', action: 'create' }],
};

/** The kinds a user may import, in order. */
export function importKindsFor(can: (module: PermissionModule, action: PermissionAction) => boolean): ImportKind[] {
  return IMPORT_KINDS.filter((kind) => IMPORT_KIND_RIGHTS[kind].every((right) => can(right.module, right.action)));
}

/** The wizard (page and sidebar entry) opens for a user who may import any kind. */
export const IMPORT_PERMISSION: PagePermission = { anyOf: IMPORT_KINDS.map((kind) => IMPORT_KIND_RIGHTS[kind]) };

export interface ImportJobLike {
  id: string;
  dryRun: boolean;
  status: ImportStatus;
  totalRows: number;
  createdRows: number;
  unchangedRows: number;
  failedRows: number;
  message: string | null;
}

export interface ImportProgressLike {
  jobId: string;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  phase: 'check' | 'write' | null;
  doneRows: number;
  totalRows: number;
  createdRows: number;
  unchangedRows: number;
  failedRows: number;
  message: string | null;
}

/** The wizard's steps as the stepper shows them. */
export const IMPORT_STEPS = ['upload', 'check', 'confirm', 'write', 'report'] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

/** Where the wizard stands for a job (none: the upload form). */
export function importStep(job: ImportJobLike | null | undefined): ImportStep {
  if (!job) return 'upload';
  const busy = job.status === 'QUEUED' || job.status === 'RUNNING';
  if (job.dryRun) {
    if (busy) return 'check';
    return job.status === 'DONE' && job.failedRows === 0 && job.totalRows > 0 ? 'confirm' : 'report';
  }
  return busy ? 'write' : 'report';
}

export function isRunning(job: ImportJobLike | null | undefined): boolean {
  return !!job && (job.status === 'QUEUED' || job.status === 'RUNNING');
}

/** A dry run may be written for real once it finished with rows and without a failed one. */
export function canConfirm(job: ImportJobLike | null | undefined): boolean {
  return importStep(job) === 'confirm';
}

/** The job with a live event's counters (events of other jobs, and stale ones after the end, change nothing). */
export function applyProgress<J extends ImportJobLike>(job: J, event: ImportProgressLike): J {
  if (event.jobId !== job.id || job.status === 'DONE' || job.status === 'FAILED') return job;
  return {
    ...job,
    status: event.status,
    totalRows: event.totalRows,
    createdRows: event.createdRows,
    unchangedRows: event.unchangedRows,
    failedRows: event.failedRows,
    message: event.message,
  };
}

export interface ImportProgressView {
  done: number;
  total: number;
  failed: number;
  /** 0–100, whole; null while the total is unknown (the file is still being counted). */
  percent: number | null;
}

/** The progress bar of a job: rows read of the current phase (from the last event), or all of them once it finished. */
export function progressOf(job: ImportJobLike, event: ImportProgressLike | null | undefined): ImportProgressView {
  const finished = job.status === 'DONE' || job.status === 'FAILED';
  const live = event && event.jobId === job.id ? event : null;
  const total = live?.totalRows ?? job.totalRows;
  const done = finished ? total : (live?.doneRows ?? 0);
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : finished ? 100 : null;
  return { done, total, failed: live?.failedRows ?? job.failedRows, percent };
}

export const IMPORT_ENCODING_CHOICES = ['', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1254', 'iso-8859-9'] as const;
export const IMPORT_DELIMITER_CHOICES = ['', ',', ';', 'tab', '|'] as const;

export interface ImportOptions {
  tenantId: string | null;
  dryRun: boolean;
  /** '' : detected by the API. */
  encoding: string;
  delimiter: string;
}

/** The upload's query (POST /api/imports/readings). */
export function importQuery(o: ImportOptions): Record<string, string> {
  const query: Record<string, string> = { dryRun: o.dryRun ? 'true' : 'false' };
  if (o.tenantId) query.tenantId = o.tenantId;
  if (o.encoding) query.encoding = o.encoding;
  if (o.delimiter) query.delimiter = o.delimiter;
  return query;
}

export const IMPORT_ACCEPT = '.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** i18n key of what is wrong with a chosen file, or null. */
export function fileProblem(file: { name: string; size: number } | null, maxBytes: number): string | null {
  if (!file) return 'imports.errors.noFile';
  if (!/\.(csv|txt|xlsx)$/i.test(file.name)) return 'imports.errors.fileType';
  if (file.size === 0) return 'imports.errors.fileEmpty';
  if (file.size > maxBytes) return 'imports.errors.fileTooLarge';
  return null;
}

/**
 * The first lines of a CSV text as cells, for a look before uploading: the delimiter is the one of
 * , ; tab | that the header line has most of (the API sniffs the same way); quotes are honoured.
 */
export function previewCsv(text: string, maxRows = 5): { delimiter: string; rows: string[][] } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const candidates = [',', ';', '\t', '|'];
  const count = (d: string) => header.split(d).length - 1;
  const delimiter = candidates.reduce((best, d) => (count(d) > count(best) ? d : best), ',');
  return { delimiter, rows: lines.slice(0, maxRows + 1).map((line) => splitCsvLine(line, delimiter)) };
}

export function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
