import { describe, expect, it } from 'vitest';
import { renderResetEmail } from './password-reset-email';

describe('renderResetEmail', () => {
  const link = 'https://console.example.test/reset-password?token=abc_DEF-123';

  it('writes Turkish and English with the link and its lifetime, in HTML and text', () => {
    const tr = renderResetEmail({ language: 'tr', name: 'Ayşe', link, minutes: 30 });
    expect(tr.subject).toBe('Şifre sıfırlama');
    expect(tr.text).toContain('Merhaba Ayşe,');
    expect(tr.text).toContain(link);
    expect(tr.text).toContain('30 dakika');
    // Handlebars escapes '=' as &#x3D;, which a mail client reads back as '='.
    expect(tr.html).toContain(`href="${link.replace('=', '&#x3D;')}"`);
    expect(tr.html).toContain('lang="tr"');
    const en = renderResetEmail({ language: 'en', name: 'Ayşe', link, minutes: 15 });
    expect(en.subject).toBe('Password reset');
    expect(en.text).toContain('15 minutes');
  });

  it('escapes the name in HTML (a user may have typed markup into it)', () => {
    const mail = renderResetEmail({ language: 'en', name: '<script>x</script>', link, minutes: 30 });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('Hello <script>x</script>,');
  });
});
