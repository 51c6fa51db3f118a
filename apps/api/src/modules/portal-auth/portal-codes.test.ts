import { describe, expect, it } from 'vitest';
import { newCode, PortalCodes } from './portal-codes';
import { codeLink, renderCodeEmail } from './portal-mail.templates';

const KEY = 'a-test-secrets-key-of-at-least-32-characters';

describe('portal codes', () => {
  it('draws six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, newCode);
    expect(codes.every((c) => /^[0-9]{6}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });

  it('keeps a keyed hash bound to the challenge, and seals the code for its e-mail only', () => {
    const codes = new PortalCodes(KEY);
    const hash = codes.hash('challenge-1', '012345');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(codes.matches('challenge-1', '012345', hash)).toBe(true);
    expect(codes.matches('challenge-1', '012346', hash)).toBe(false);
    // The same code of another challenge, or under another key, does not match.
    expect(codes.matches('challenge-2', '012345', hash)).toBe(false);
    expect(new PortalCodes(`${KEY}-other`).matches('challenge-1', '012345', hash)).toBe(false);
    expect(codes.matches('challenge-1', '012345', 'not-hex')).toBe(false);

    const sealed = codes.seal('012345');
    expect(sealed).not.toContain('012345');
    expect(codes.open(sealed)).toBe('012345');
    expect(new PortalCodes(`${KEY}-other`).open(sealed)).toBeNull();
  });
});

describe('portal code e-mails', () => {
  it('escapes the tenant name in the HTML, names the validity in minutes or hours, links the right page', () => {
    const signup = renderCodeEmail({
      purpose: 'SIGNUP',
      language: 'tr',
      tenantName: 'ASKİ <b>&',
      code: '004211',
      minutes: 15,
      link: codeLink('https://portal.example.com/', 'SIGNUP', 'c-1'),
    });
    expect(signup.subject).toBe('Su portalı doğrulama kodunuz');
    expect(signup.html).toContain('ASKİ &lt;b&gt;&amp;');
    expect(signup.html).not.toContain('<b>&');
    expect(signup.text).toContain('ASKİ <b>&');
    expect(signup.text).toContain('Kodunuz: 004211');
    expect(signup.text).toContain('15 dakika');
    expect(signup.text).toContain('https://portal.example.com/portal/signup?challenge=c-1');

    const invitation = renderCodeEmail({ purpose: 'INVITATION', language: 'en', tenantName: 'X', code: '1', minutes: 4320, link: 'l' });
    expect(invitation.subject).toBe('Your invitation to the water portal');
    expect(invitation.text).toContain('72 hours');
    expect(codeLink('https://p.example', 'PASSWORD_RESET', 'c-2')).toBe('https://p.example/portal/reset-password?challenge=c-2');
  });
});
