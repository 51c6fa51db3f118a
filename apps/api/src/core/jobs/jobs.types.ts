/** Every queue and job of the platform, with its payload: the one place job shapes are defined. */
export enum QueueName {
  Uplinks = 'uplinks',
  Maintenance = 'maintenance',
  /** Operators' re-decode runs: long, so kept off the uplink queue's latency. */
  Redecode = 'redecode',
  /** Imports of readings and assets (issue 17): long runs over uploaded files, off the other queues. */
  Imports = 'imports',
  /** Meter data management (issue 17): daily rules per tenant, operators' revalidation and estimation runs. */
  MeterData = 'meter-data',
  /** Rendered documents (issue 18): issuing a run enqueues a PDF per invoice, a backlog kept off the billing queue's runs. */
  Documents = 'documents',
  /** Notifications (issue 19): fan-out, e-mails and webhooks, whose retries must not wait behind imports or billing. */
  Notifications = 'notifications',
  /** Billing runs and their issue (issue 18): minutes for a large tenant, kept off the other queues. */
  Billing = 'billing',
}

export enum JobName {
  /** Decide who is told of an event, store their notifications and queue the deliveries. */
  NotifyEvent = 'notify-event',
  /** Send the e-mails of one fan-out (retried with backoff for those not sent; the last failure is kept on each delivery). */
  SendNotificationEmail = 'send-notification-email',
  /** POST one event to one webhook endpoint (retried with backoff; each answer's status is logged). */
  SendWebhook = 'send-webhook',
  /** Daily: one e-mail per user of the notifications waiting for their digest. */
  SendNotificationDigests = 'send-notification-digests',
  /** E-mail a customer's portal one-time code (sign-up, invitation, password reset); retried with backoff. */
  SendPortalCode = 'send-portal-code',
  /** Decode and store a batch of accepted uplinks (the ingest nodes gather them for a few milliseconds). */
  ProcessUplinks = 'process-uplinks',
  /** One uplink: the job of releases before batching, still consumed so an upgrade loses nothing queued. */
  ProcessUplink = 'process-uplink',
  /** Open NO_SIGNAL alarms for devices silent longer than their expected interval allows. */
  CheckNoSignal = 'check-no-signal',
  /** Decode stored uplinks again (after a decoder fix) and store what they yield through the normal path. */
  RedecodeUplinks = 'redecode-uplinks',
  /** Check (dry run) or write one uploaded import file. */
  RunImport = 'run-import',
  /** Hourly: enqueue the daily meter-data run of each tenant whose local day has just passed its night window. */
  ScheduleMeterData = 'schedule-meter-data',
  /** One tenant's day: stuck meters, gap estimation and leak detection. */
  TenantMeterData = 'tenant-meter-data',
  /** Re-run validation (and estimation) over one meter's range: an operator's request, or a late reading that replaced estimates. */
  RevalidateMeter = 'revalidate-meter',
  /** Render an issued invoice's PDF, store it and record its key (InvoicePdfService.render). */
  RenderInvoicePdf = 'invoice.render-pdf',
  /** Daily: delete the content of finished uploads older than IMPORT_RETENTION_DAYS (their jobs and reports stay). */
  PurgeImportFiles = 'purge-import-files',
  /** Hourly: enqueue the dunning day of each tenant whose local day has just begun (issue 18). */
  ScheduleDunning = 'schedule-dunning',
  /** One tenant's dunning day: reminders, late-payment interest, the disconnection list and its settlement. */
  TenantDunning = 'tenant-dunning',
  /** Compute (or recompute) the draft invoices of one billing run. */
  ComputeBillingRun = 'compute-billing-run',
  /** Issue the drafts of one billing run, each in its own transaction (resumable). */
  IssueBillingRun = 'issue-billing-run',
  /** Hourly: start the previous month's run of each tenant whose scheduled run day is today. */
  ScheduleBillingRuns = 'schedule-billing-runs',
  /** E-mail an operator's password-reset link (issue 21); retried with backoff, its delivery kept on the reset row. */
  SendPasswordResetEmail = 'send-password-reset-email',
}

/** An accepted uplink, normalised from whichever network server sent it. */
export interface UplinkEnvelope {
  deviceId: string;
  tenantId: string;
  integrationId: string | null;
  /** When the platform (or the network server) received it, ISO 8601. */
  receivedAt: string;
  /** Time reported by the network for the frame, ISO 8601, if any. */
  deviceTime: string | null;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  rx: { rssi?: number; snr?: number; gatewayCount?: number } | null;
  source: 'ttn' | 'chirpstack' | 'sigfox' | 'generic' | 'mqtt-chirpstack' | 'mqtt-generic' | 'simulator';
  requestId?: string;
}

export interface UplinkBatch {
  uplinks: UplinkEnvelope[];
}

/** Which stored uplinks a re-decode run takes; the API checked the caller's rights on all of them. */
export interface RedecodeRequest {
  /** Tenants the uplinks may belong to (the caller's DEVICES update scope, narrowed by the filters). */
  tenantIds: string[];
  deviceId?: string;
  deviceProfileId?: string;
  integrationId?: string;
  /** Uplink ids (within the other filters), for re-running single frames. */
  uplinkIds?: string[];
  status?: 'RECEIVED' | 'DECODED' | 'FAILED';
  from: string;
  to: string;
  /** Uplinks counted when the run was asked for. */
  total: number;
  requestedBy: string;
  requestId?: string;
}

export interface RedecodeProgress {
  total: number;
  done: number;
  stored: number;
  failed: number;
}

/** One tenant's daily meter-data run; `end` is the hour it judges up to (ISO 8601). */
export interface TenantMeterDataRequest {
  tenantId: string;
  end: string;
}

/** A meter and range to validate again; the API checked the caller's right on the meter. */
export interface RevalidateMeterRequest {
  meterId: string;
  from: string;
  to: string;
  /** Estimate missing intervals of the range as well. */
  estimate: boolean;
  requestedBy: string | null;
  requestId?: string;
}

/** An import job stored by the API (import_job row: file, kind, tenant, scope, dry run). */
export interface ImportJobRequest {
  jobId: string;
  requestId?: string;
}

/** A billing run to compute or issue; the API checked the requester's BILLING rights on its tenant. */
export interface BillingRunRequest {
  runId: string;
  /** The user who asked (null for a scheduled run). */
  requestedBy: string | null;
  requestId?: string;
}

/** An event to tell people about (modules/notifications/notifications.events.ts types `event` and `payload`). */
export interface NotifyEventRequest {
  event: string;
  payload: Record<string, unknown>;
  /** When it happened, ISO 8601: the clock of the dedupe window, quiet hours and the rate limit. */
  at: string;
}

/** One stored delivery (notification_delivery or webhook_delivery row) to attempt. */
export interface DeliveryRequest {
  deliveryId: string;
}

/** E-mail deliveries (notification_delivery rows) to send together; a retry sends those still queued. */
export interface EmailDeliveriesRequest {
  deliveryIds: string[];
}

/** A portal challenge (portal_challenge row) whose sealed code is to be e-mailed, in the recipient's language. */
export interface PortalCodeEmailRequest {
  challengeId: string;
  language: 'tr' | 'en';
  requestId?: string;
}

/** One tenant's dunning day; `date` (YYYY-MM-DD, the tenant's calendar) is the day the scheduler enqueued it for. */
export interface TenantDunningRequest {
  tenantId: string;
  date: string;
}

/** An issued invoice whose PDF is to be rendered and stored. */
export interface RenderInvoicePdfRequest {
  invoiceId: string;
  requestId?: string;
}

/** An operator_password_reset row whose sealed link is to be e-mailed. */
export interface PasswordResetEmailRequest {
  resetId: string;
  requestId?: string;
}

export interface JobPayloads {
  [JobName.NotifyEvent]: NotifyEventRequest;
  [JobName.SendNotificationEmail]: EmailDeliveriesRequest;
  [JobName.SendWebhook]: DeliveryRequest;
  [JobName.SendNotificationDigests]: Record<string, never>;
  [JobName.SendPortalCode]: PortalCodeEmailRequest;
  [JobName.ProcessUplinks]: UplinkBatch;
  [JobName.ProcessUplink]: UplinkEnvelope;
  [JobName.CheckNoSignal]: Record<string, never>;
  [JobName.RedecodeUplinks]: RedecodeRequest;
  [JobName.RunImport]: ImportJobRequest;
  [JobName.ScheduleMeterData]: Record<string, never>;
  [JobName.TenantMeterData]: TenantMeterDataRequest;
  [JobName.RevalidateMeter]: RevalidateMeterRequest;
  [JobName.RenderInvoicePdf]: RenderInvoicePdfRequest;
  [JobName.PurgeImportFiles]: Record<string, never>;
  [JobName.ScheduleDunning]: Record<string, never>;
  [JobName.TenantDunning]: TenantDunningRequest;
  [JobName.ComputeBillingRun]: BillingRunRequest;
  [JobName.IssueBillingRun]: BillingRunRequest;
  [JobName.ScheduleBillingRuns]: Record<string, never>;
  [JobName.SendPasswordResetEmail]: PasswordResetEmailRequest;
}

/** The queue each job goes to; `satisfies` keeps the literal queues, so `JobsOf<Q>` knows each queue's jobs. */
export const JOB_QUEUE = {
  [JobName.NotifyEvent]: QueueName.Notifications,
  [JobName.SendNotificationEmail]: QueueName.Notifications,
  [JobName.SendWebhook]: QueueName.Notifications,
  [JobName.SendNotificationDigests]: QueueName.Notifications,
  [JobName.SendPortalCode]: QueueName.Notifications,
  [JobName.ProcessUplinks]: QueueName.Uplinks,
  [JobName.ProcessUplink]: QueueName.Uplinks,
  [JobName.CheckNoSignal]: QueueName.Maintenance,
  [JobName.RedecodeUplinks]: QueueName.Redecode,
  [JobName.RunImport]: QueueName.Imports,
  [JobName.ScheduleMeterData]: QueueName.Maintenance,
  [JobName.TenantMeterData]: QueueName.MeterData,
  [JobName.RevalidateMeter]: QueueName.MeterData,
  [JobName.RenderInvoicePdf]: QueueName.Documents,
  [JobName.PurgeImportFiles]: QueueName.Maintenance,
  [JobName.ScheduleDunning]: QueueName.Maintenance,
  [JobName.TenantDunning]: QueueName.Maintenance,
  [JobName.ComputeBillingRun]: QueueName.Billing,
  [JobName.IssueBillingRun]: QueueName.Billing,
  [JobName.ScheduleBillingRuns]: QueueName.Maintenance,
  [JobName.SendPasswordResetEmail]: QueueName.Notifications,
} as const satisfies Record<JobName, QueueName>;

/** The jobs that go to queue `Q`. */
export type JobsOf<Q extends QueueName> = { [N in JobName]: (typeof JOB_QUEUE)[N] extends Q ? N : never }[JobName];

/** What a handler reports; a failure is thrown (BullMQ retries it with the job's backoff). */
export enum JobStatus {
  Success = 'success',
  /** Nothing to do (e.g. the work was already done). */
  Skipped = 'skipped',
}

/** What a handler may use of the BullMQ job besides its payload. */
export interface JobContext {
  id?: string;
  /** Attempts finished before this one. */
  attemptsMade: number;
  updateProgress(progress: object): Promise<void>;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job: JobContext) => Promise<JobStatus>;

/** One handler per job of queue `Q`: a consumer that keeps its own BullMQ loop dispatches through this map. */
export type JobHandlers<Q extends QueueName> = { [N in JobsOf<Q>]: JobHandler<N> };
