import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process: what the platform sends arrives here, parsed. */
export interface SmtpReceiver {
  /** For the app's SMTP_URL. */
  url: string;
  port: number;
  /** Every message received, in order. */
  mails: ParsedMail[];
  /** The messages addressed to `email` (case-insensitive). */
  mailsTo(email: string): ParsedMail[];
  /** The next message (whoever it is for) is refused once: 451, try again later. */
  refuseNext(): void;
  /** The next message to `email` is refused once (451), so a refusal meant for one test meets no other's mail. */
  refuseOnceFor(email: string): void;
  close(): Promise<void>;
}

/** `mails` may be the caller's own array, which then fills as messages arrive. */
export async function startSmtpReceiver(mails: ParsedMail[] = []): Promise<SmtpReceiver> {
  let refuseAny = 0;
  const refuseFor = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const refused = recipients.some((a) => refuseFor.delete(a)) || (refuseAny > 0 && refuseAny-- > 0);
        if (refused) return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        simpleParser(Buffer.concat(chunks)).then(
          (m) => {
            mails.push(m);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    mailsTo: (email) =>
      mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.toLowerCase().includes(email.toLowerCase()))),
    refuseNext: () => void refuseAny++,
    refuseOnceFor: (email) => void refuseFor.add(email.toLowerCase()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
