import { lookup } from 'node:dns/promises';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { SecretBox } from '../../core/secrets/secret-box';
import { isPrivateAddress } from './notification-rules';

/** SMTP connections one worker process keeps open (NotificationDeliveryService sends this many e-mails at once). */
export const SMTP_POOL = 8;

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** RFC 8058 one-click unsubscribe URL; none for a message the recipient asked for (a password-reset link). */
  unsubscribeUrl?: string;
}

/** The SMTP side of e-mail notifications (nodemailer); SMTP_URL unset means no e-mail is sent. */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return Boolean(this.config.SMTP_URL);
  }

  /** Sends one message; returns the server's message id. Throws on a refused or unreachable server. */
  async send(mail: OutgoingEmail): Promise<string> {
    // A small pool: a worker sends one e-mail after another, so reusing the connection saves a handshake each.
    this.transport ??= createTransport(
      { url: this.config.SMTP_URL, pool: true, maxConnections: SMTP_POOL },
      { from: this.config.SMTP_FROM },
    );
    const info = (await this.transport.sendMail({
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      ...(mail.unsubscribeUrl && {
        list: { unsubscribe: { url: mail.unsubscribeUrl, comment: 'unsubscribe' } },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }),
    })) as { messageId: string };
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

export class WebhookRefusedError extends Error {}

/** The HTTP side of webhooks: refuses private and loopback targets unless NOTIFY_WEBHOOK_ALLOW_PRIVATE. */
@Injectable()
export class WebhookClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Why the URL may not be called, or null (its host resolved, every address checked). */
  async refusal(url: string): Promise<string | null> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only http and https are allowed';
    if (parsed.username || parsed.password) return 'credentials in the URL are not allowed';
    if (this.config.NOTIFY_WEBHOOK_ALLOW_PRIVATE) return null;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return `host ${host} does not resolve`;
    }
    if (!addresses.length || addresses.some(isPrivateAddress)) return 'private, loopback and link-local addresses are not allowed';
    return null;
  }

  /** POSTs the body; answers the HTTP status (a network failure throws). */
  async post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const refusal = await this.refusal(url);
    if (refusal) throw new WebhookRefusedError(refusal);
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'water-platform-webhooks/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.status;
  }
}

/** Webhook HMAC keys are stored sealed (core/secrets): created or rotated by the admin service, opened to sign. */
export function webhookSecretBox(config: Pick<AppConfig, 'SECRETS_KEY'>): SecretBox {
  return new SecretBox(config.SECRETS_KEY, 'notification-webhook-secret');
}
