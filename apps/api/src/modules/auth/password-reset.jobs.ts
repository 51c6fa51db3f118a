import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobName, JobStatus, type JobContext, type PasswordResetEmailRequest } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { SecretBox } from '../../core/secrets/secret-box';
import { Mailer } from '../notifications/notification-channels';
import { AuthRepository } from './auth.repository';
import { renderResetEmail } from './password-reset-email';
import { resetTokenBox } from './password-reset.service';

/** The worker's side of a password reset: e-mails the link, keeps each attempt's outcome on the reset row. */
@Injectable()
export class PasswordResetMailJob {
  private readonly box: SecretBox;

  constructor(
    private readonly auth: AuthRepository,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = resetTokenBox(config);
  }

  /** A failure is recorded and thrown (BullMQ retries it); FAILED once NOTIFY_ATTEMPTS are spent. */
  @OnJob({ name: JobName.SendPasswordResetEmail })
  async send(request: PasswordResetEmailRequest, job: JobContext): Promise<JobStatus> {
    const reset = await this.auth.findResetToSend(request.resetId);
    if (!reset || reset.emailStatus !== 'QUEUED') return JobStatus.Skipped;
    const give = async (reason: string) => {
      await this.auth.markResetEmail(reset.id, { status: 'FAILED', reason, attempted: false });
      return JobStatus.Skipped;
    };
    if (!reset.tokenSealed || reset.usedAt || reset.expiresAt <= new Date()) return give('the link is no longer valid');
    if (!reset.user.isActive) return give('user deactivated');
    if (!this.mailer.configured) return give('no SMTP server configured (SMTP_URL)');
    const token = this.box.open(reset.tokenSealed);
    if (!token) return give('the link was sealed under another SECRETS_KEY');

    const link = new URL('/reset-password', this.config.PUBLIC_URL);
    link.searchParams.set('token', token);
    const mail = renderResetEmail({
      language: reset.language === 'en' ? 'en' : 'tr',
      name: reset.user.name,
      link: link.toString(),
      minutes: this.config.PASSWORD_RESET_TTL_MINUTES,
    });
    try {
      await this.mailer.send({ to: reset.user.email, ...mail });
      await this.auth.markResetEmail(reset.id, { status: 'SENT', reason: null, attempted: true, sentAt: new Date() });
      return JobStatus.Success;
    } catch (err) {
      const last = job.attemptsMade + 1 >= this.config.NOTIFY_ATTEMPTS;
      await this.auth.markResetEmail(reset.id, { status: last ? 'FAILED' : 'QUEUED', reason: (err as Error).message, attempted: true });
      throw err;
    }
  }
}
