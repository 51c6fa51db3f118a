import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnitOfWork } from '../src/core/database/unit-of-work';
import { JobOutbox } from '../src/core/jobs/job-outbox';
import { JobsService } from '../src/core/jobs/jobs.service';
import { JOB_QUEUE, JobName, QueueName } from '../src/core/jobs/jobs.types';
import { makeCustomer, makeInstallation, makeUser, makeUtilities, type Tenant, type User } from './support/factories';
import { multipart } from './support/multipart';
import { makePortalAccount } from './support/portal';
import { freePort } from './support/processes';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

/**
 * The job outbox (docs/decisions.md): a row and the job about it commit together, so a job is never lost between
 * a commit and its enqueue. The window is made observable by taking Redis away from the API after its commit (its
 * queues point at a port nothing listens on: a real refused connection), which is what a process killed right
 * after the commit leaves behind too: the row committed, no job in Redis. The worker's relay then enqueues it,
 * the real SMTP server in this process receives the e-mail exactly once, and a replay sends nothing more.
 */
describe('job outbox', () => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let worker: INestApplicationContext | undefined;
  const mails: ParsedMail[] = [];
  const PROXY_SECRET = randomBytes(24).toString('hex');
  let a: Tenant;
  let aAdmin: { user: User; token: string };
  let restoreRedis: (() => Promise<void>) | undefined;

  const jobs = () => t.app.get(JobsService);
  const outboxRows = (jobId: string) =>
    t.sql<{ job_name: string; payload: object }>(`SELECT job_name, payload FROM job_outbox WHERE job_id = $1`, [jobId]);
  const headers = () => ({ 'x-console-secret': PROXY_SECRET, 'x-console-client-ip': `10.${randomBytes(3).join('.')}` });

  /** From now on the API's queues point at a closed port; the returned function gives Redis back. */
  async function takeRedisAway(): Promise<void> {
    const port = await freePort();
    const dead = new Map<QueueName, Queue>();
    const spy = vi.spyOn(jobs(), 'queue').mockImplementation((name: QueueName) => {
      let q = dead.get(name);
      if (!q) {
        q = new Queue(name, {
          connection: { host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null },
        });
        q.on('error', () => undefined);
        dead.set(name, q);
      }
      return q;
    });
    restoreRedis = async () => {
      spy.mockRestore();
      await Promise.allSettled([...dead.values()].map((q) => q.close()));
      restoreRedis = undefined;
    };
  }

  /** The worker process's modules (consumers and the outbox relay), started once the API's commit is in. */
  const startWorker = async () => (worker ??= await startTestWorker(t.config));

  /** A job as Redis holds it, read past the API's queues (which may point at the closed port). */
  const jobIn = (name: JobName, jobId: string): Promise<Job | undefined> =>
    JobsService.prototype.queue.call(jobs(), JOB_QUEUE[name]).getJob(jobId);
  /** Waits until BullMQ finished job `jobId` of `name`; its return value. */
  const finished = async (name: JobName, jobId: string) => {
    const job = await until(async () => {
      const j = await jobIn(name, jobId);
      return j && (await j.isCompleted()) && j;
    });
    return job.returnvalue as unknown;
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver(mails);
    t = await startTestApp('job_outbox', {
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Su <su@example.com>',
        PUBLIC_URL: 'http://console.example.test',
        CONSOLE_PROXY_SECRET: PROXY_SECRET,
        NOTIFY_ATTEMPTS: '3',
        NOTIFY_RETRY_DELAY_MS: '100',
        JOB_OUTBOX_GRACE_MS: '0',
        JOB_OUTBOX_RELAY_MS: '200',
      },
    });
    ({ a, aAdmin } = await makeUtilities(t));
  });

  afterEach(async () => {
    await restoreRedis?.();
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await smtp?.close();
  });

  it('e-mails a portal invitation committed while Redis was away exactly once, through the worker’s relay, and a replay sends nothing', async () => {
    const email = `invited-${randomBytes(4).toString('hex')}@example.com`;
    const customer = await makeCustomer(t, { tenant: a, email });
    await takeRedisAway();
    const invited = await t.request({
      method: 'POST',
      url: `/api/customers/${customer.id}/portal-invitations`,
      token: aAdmin.token,
      body: { email },
    });
    // The invitation committed (the operator is told it is queued), its job did not reach Redis.
    expect(invited.status).toBe(201);
    const jobId = `portal-code-${invited.body.id}`;
    expect(await outboxRows(jobId)).toEqual([
      { job_name: JobName.SendPortalCode, payload: { challengeId: invited.body.id, language: 'tr', requestId: expect.any(String) } },
    ]);
    await restoreRedis!();
    expect(await jobs().find(JobName.SendPortalCode, jobId)).toBeUndefined();
    expect(smtp.mailsTo(email)).toHaveLength(0);

    // "Restart": a worker comes up; its relay enqueues what the API left, and the code goes out once.
    await startWorker();
    await until(async () => smtp.mailsTo(email).length > 0);
    await finished(JobName.SendPortalCode, jobId);
    expect(await outboxRows(jobId)).toEqual([]);
    const [challenge] = await t.sql(`SELECT email_status, code_sealed FROM portal_challenge WHERE id = $1`, [invited.body.id]);
    expect(challenge).toEqual({ email_status: 'SENT', code_sealed: null });

    // Replay 1: the API enqueued and died before deleting its entry; the relay enqueues it again (same id).
    await t.sql(`INSERT INTO job_outbox (job_name, job_id, payload) VALUES ($1, $2, $3)`, [
      JobName.SendPortalCode,
      jobId,
      { challengeId: invited.body.id, language: 'tr' },
    ]);
    await until(async () => (await outboxRows(jobId)).length === 0);
    // Replay 2: BullMQ no longer holds the finished job (trimmed), so the same id runs again: the handler sees SENT.
    await (await jobs().find(JobName.SendPortalCode, jobId))!.remove();
    await jobs().enqueue(JobName.SendPortalCode, { challengeId: invited.body.id, language: 'tr' }, { jobId });
    expect(await finished(JobName.SendPortalCode, jobId)).toBe('skipped');
    expect(smtp.mailsTo(email)).toHaveLength(1);
  });

  it('e-mails a portal password-reset code committed while Redis was away exactly once', async () => {
    await startWorker();
    const email = `reset-${randomBytes(4).toString('hex')}@example.com`;
    const customer = await makeCustomer(t, { tenant: a, email });
    await makePortalAccount(t, { customerId: customer.id, tenantId: a.id, email });
    await takeRedisAway();
    const res = await t.request({ method: 'POST', url: '/api/portal/auth/password-reset', body: { email }, headers: headers() });
    expect(res.status).toBe(202);
    const jobId = `portal-code-${res.body.challengeId}`;
    // The worker's relay (grace 0 here) may already have taken it; either way it arrives once.
    const [mail] = await until(async () => smtp.mailsTo(email).length > 0 && smtp.mailsTo(email));
    expect(mail.text).toMatch(/\d{6}/);
    await finished(JobName.SendPortalCode, jobId);
    expect(await outboxRows(jobId)).toEqual([]);
    expect(smtp.mailsTo(email)).toHaveLength(1);
  });

  it('e-mails an operator’s password-reset link committed while Redis was away exactly once', async () => {
    await startWorker();
    const user = await makeUser(t, { tenant: a, permissions: { METERS: 'r' } });
    await takeRedisAway();
    const res = await t.request({ method: 'POST', url: '/api/auth/password-reset', body: { email: user.email }, headers: headers() });
    expect(res.status).toBe(204);
    const [reset] = await until(async () => {
      const rows = await t.sql<{ id: string }>(`SELECT id FROM operator_password_reset WHERE user_id = $1`, [user.id]);
      return rows.length > 0 && rows;
    });
    const [mail] = await until(async () => smtp.mailsTo(user.email).length > 0 && smtp.mailsTo(user.email));
    expect(mail.text).toMatch(/reset-password\?token=/);
    await finished(JobName.SendPasswordResetEmail, reset.id);
    expect(await outboxRows(reset.id)).toEqual([]);
    expect((await t.sql(`SELECT email_status FROM operator_password_reset WHERE id = $1`, [reset.id]))[0]).toEqual({
      email_status: 'SENT',
    });
    expect(smtp.mailsTo(user.email)).toHaveLength(1);
  });

  it('runs an import whose upload committed while Redis was away, through the relay', async () => {
    await startWorker();
    const { meter } = await makeInstallation(t, { tenant: a });
    await takeRedisAway();
    const { body, headers: type } = multipart(
      'okuma.csv',
      ['Sayaç Seri No;Tarih;Endeks', `${meter.serialNo};01.11.2026 10:00;100,000`].join('\r\n'),
    );
    const res = await t.request({
      method: 'POST',
      url: `/api/imports/readings?tenantId=${a.id}`,
      token: aAdmin.token,
      body,
      headers: type,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'QUEUED', dryRun: true });
    const jobId = `import-${res.body.id}`;
    await finished(JobName.RunImport, jobId);
    expect(await outboxRows(jobId)).toEqual([]);
    const [job] = await t.sql(`SELECT status::text, total_rows FROM import_job WHERE id = $1`, [res.body.id]);
    expect(job).toEqual({ status: 'DONE', total_rows: 1 });
  });

  it('enqueues nothing for a transaction that rolls back, and enqueues at once (leaving no entry) for one that commits', async () => {
    const outbox = t.app.get(JobOutbox);
    const unitOfWork = t.app.get(UnitOfWork);
    const payload = { tenantId: a.id, end: new Date().toISOString() };
    const rolledBack = `outbox-test-rollback-${randomBytes(4).toString('hex')}`;
    await expect(
      unitOfWork.run(async (tx) => {
        await outbox.add(tx, JobName.TenantMeterData, payload, { jobId: rolledBack });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outboxRows(rolledBack)).toEqual([]);
    expect(await jobs().find(JobName.TenantMeterData, rolledBack)).toBeUndefined();

    const committed = `outbox-test-commit-${randomBytes(4).toString('hex')}`;
    await unitOfWork.run((tx) => outbox.add(tx, JobName.TenantMeterData, payload, { jobId: committed }));
    // The API enqueued it itself once the transaction committed: no entry left for the relay.
    expect(await outboxRows(committed)).toEqual([]);
    expect((await jobs().find(JobName.TenantMeterData, committed))?.data).toEqual(payload);
    await (await jobs().find(JobName.TenantMeterData, committed))?.remove().catch(() => undefined);
  });

  it('refuses to store a job id BullMQ would not take (digits only, or a colon)', async () => {
    const outbox = t.app.get(JobOutbox);
    const unitOfWork = t.app.get(UnitOfWork);
    for (const jobId of ['12345', 'a:b'])
      await expect(
        unitOfWork.run((tx) => outbox.add(tx, JobName.TenantMeterData, { tenantId: a.id, end: new Date().toISOString() }, { jobId })),
      ).rejects.toThrow();
    expect(await t.sql(`SELECT job_id FROM job_outbox WHERE job_id IN ('12345', 'a:b')`)).toEqual([]);
  });
});
