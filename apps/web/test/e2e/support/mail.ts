import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { inject } from 'vitest';

/** The messages the stack's SMTP receiver holds now (file names), to read only newer ones with `mailTo`. */
export function mailsSoFar(): Set<string> {
  return new Set(readdirSync(inject('mailDir')));
}

/** The newest message the stack's SMTP receiver got for `to` that is not in `after`, waiting for it to arrive. */
export async function mailTo(to: string, after: Set<string>): Promise<{ text: string; subject: string }> {
  const dir = inject('mailDir');
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const name of readdirSync(dir)
      .filter((n) => !after.has(n))
      .sort()
      .reverse()) {
      const mail = await simpleParser(readFileSync(join(dir, name)));
      const recipients = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
      if (recipients.includes(to.toLowerCase())) return { text: mail.text ?? '', subject: mail.subject ?? '' };
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many messages to `to` the receiver got, among those not in `after`. */
export async function mailCountTo(to: string, after: Set<string>): Promise<number> {
  const dir = inject('mailDir');
  let n = 0;
  for (const name of readdirSync(dir).filter((f) => !after.has(f))) {
    const mail = await simpleParser(readFileSync(join(dir, name)));
    if ([mail.to ?? []].flat().some((a) => a.value.some((v) => v.address?.toLowerCase() === to.toLowerCase()))) n++;
  }
  return n;
}

/** The six-digit code and the portal link (sign-up or password reset) of a portal code e-mail. */
export function codeAndLink(text: string): { code: string; link: string } {
  const code = /(?:Kodunuz|Your code): (\d{6})/.exec(text)?.[1];
  const link = /(https?:\/\/\S+\/portal\/(?:signup|reset-password)\?challenge=[\w-]+)/.exec(text)?.[1];
  if (!code || !link) throw new Error(`no code or link in: ${text}`);
  return { code, link };
}
