import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { OutboxJobOptions } from '../../core/jobs/job-outbox';
import { JobName, JobStatus, type JobContext, type PortalCodeEmailRequest } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { PortalAuthRepository } from './portal-auth.repository';
import { PortalCodes } from './portal-codes';
import { codeLink, renderCodeEmail } from './portal-mail.templates';

export const NO_SMTP = 'no SMTP server configured (SMTP_URL)';

/** Retries of a code's e-mail: the notifications' attempts and backoff (NOTIFY_ATTEMPTS, NOTIFY_RETRY_DELAY_MS). */
export function codeEmailOptions(config: AppConfig, challengeId: string): OutboxJobOptions {
  return {
    // One job per challenge, so an enqueue repeated after a failure does not send the code twice.
    jobId: `portal-code-${challengeId}`,
    attempts: config.NOTIFY_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.NOTIFY_RETRY_DELAY_MS },
  };
}

/**
 * The SMTP side of codes' e-mails. Not the notifications' Mailer: that one adds List-Unsubscribe to
 * every message, which a one-time code (asked for by the recipient) must not carry.
 */
@Injectable()
export class PortalMailer implements OnModuleDestroy {
  private transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'SMTP_URL' | 'SMTP_FROM'>) {}

  get configured(): boolean {
    return Boolean(this.config.SMTP_URL);
  }

  async send(mail: { to: string; subject: string; html: string; text: string }): Promise<string> {
    this.transport ??= createTransport({ url: this.config.SMTP_URL, pool: true, maxConnections: 2 }, { from: this.config.SMTP_FROM });
    const info = (await this.transport.sendMail(mail)) as { messageId: string };
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

/** Worker: e-mails a challenge's code, logging each attempt on the challenge (QUEUED → SENT | FAILED with the reason). */
@Injectable()
export class PortalMailService {
  private readonly logger = new Logger('portal-auth');
  private readonly codes: PortalCodes;

  constructor(
    private readonly repository: PortalAuthRepository,
    private readonly mailer: PortalMailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.codes = new PortalCodes(config.SECRETS_KEY);
  }

  @OnJob({ name: JobName.SendPortalCode })
  handleSendCode(request: PortalCodeEmailRequest, job: JobContext): Promise<JobStatus> {
    return this.sendCode(request, job.attemptsMade);
  }

  /** One attempt; a failure is recorded and thrown (the job retries), FAILED once the attempts are spent. */
  async sendCode(request: PortalCodeEmailRequest, attemptsMade: number, now = new Date()): Promise<JobStatus> {
    const c = await this.repository.challengeForMail(request.challengeId);
    if (!c || c.emailStatus !== 'QUEUED') return JobStatus.Skipped;
    const give = async (reason: string) => {
      await this.repository.markEmail(c.id, { status: 'FAILED', reason, attempted: false });
      this.logger.warn({ event: 'portal.code_email_failed', challengeId: c.id, reason }, `portal code e-mail not sent: ${reason}`);
      return JobStatus.Skipped;
    };
    if (c.usedAt || c.expiresAt <= now) return give('the code expired or was replaced before it could be sent');
    if (!this.mailer.configured) return give(NO_SMTP);
    const code = c.codeSealed ? this.codes.open(c.codeSealed) : null;
    if (code === null) return give('the sealed code cannot be opened (SECRETS_KEY changed?)');

    const mail = renderCodeEmail({
      purpose: c.purpose,
      language: request.language,
      tenantName: c.customer.tenant.name,
      code,
      minutes: Math.max(1, Math.round((c.expiresAt.getTime() - now.getTime()) / 60_000)),
      link: codeLink(this.config.PUBLIC_URL, c.purpose, c.id),
    });
    try {
      await this.mailer.send({ to: c.email, ...mail });
    } catch (err) {
      const last = attemptsMade + 1 >= this.config.NOTIFY_ATTEMPTS;
      await this.repository.markEmail(c.id, { status: last ? 'FAILED' : 'QUEUED', reason: (err as Error).message, attempted: true });
      throw err;
    }
    await this.repository.markEmail(c.id, { status: 'SENT', reason: null, attempted: true });
    return JobStatus.Success;
  }
}
