// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(web, path), 'utf8')) as Record<string, unknown>;
const locales = {
  tr: {
    ...readJson('i18n/locales/tr.json'),
    ...readJson('i18n/locales/tr/assets.json'),
    ...readJson('i18n/locales/tr/admin.json'),
    ...readJson('i18n/locales/tr/ops.json'),
  },
  en: {
    ...readJson('i18n/locales/en.json'),
    ...readJson('i18n/locales/en/assets.json'),
    ...readJson('i18n/locales/en/admin.json'),
    ...readJson('i18n/locales/en/ops.json'),
  },
};
const FAMILIES = ['integrations', 'uplinks', 'auditLog'];

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, inner]) => ({ ...all, ...flatten(inner, prefix ? `${prefix}.${key}` : key) }),
    {},
  );
}
function files(dir: string): string[] {
  const full = join(web, dir);
  return readdirSync(full).flatMap((name) => (statSync(join(full, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

/** The integrations, uplink inspector and audit log sources. */
const sources = [
  ...files('app/pages/integrations'),
  ...files('app/pages/audit-log'),
  ...files('app/components/integrations'),
  ...files('app/components/uplinks'),
  ...files('app/components/audit'),
  'app/composables/useIntegrationsApi.ts',
  'app/composables/useIntegrationsTexts.ts',
  'app/composables/useUplinksApi.ts',
  'app/composables/useAuditLogApi.ts',
  'app/lib/integration-settings.ts',
  'app/lib/audit-log.ts',
];

describe('integrations, uplinks and audit log translations', () => {
  const tr = flatten(Object.fromEntries(FAMILIES.map((f) => [f, locales.tr[f]])));
  const en = flatten(Object.fromEntries(FAMILIES.map((f) => [f, locales.en[f]])));

  it('has the same keys in Turkish and English', () => {
    expect(Object.keys(tr).length).toBeGreaterThan(150);
    expect(Object.keys(tr).filter((key) => !(key in en))).toEqual([]);
    expect(Object.keys(en).filter((key) => !(key in tr))).toEqual([]);
  });

  it('has only plain messages with named parameters (no braces, pipes, @ or markup)', () => {
    const bad = Object.entries({ ...tr, ...en }).filter(([, message]) =>
      /[{}|@<>]/.test(message.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '')),
    );
    expect(bad).toEqual([]);
  });

  it('defines every static key these pages use, in both languages, and builds none at run time', () => {
    const used = new Set<string>();
    for (const path of sources) {
      const text = readFileSync(join(web, path), 'utf8');
      for (const match of text.matchAll(/['"`]((?:integrations|uplinks|auditLog|nav)\.[A-Za-z0-9_.]+)['"`]/g)) used.add(match[1]!);
      expect(text, path).not.toMatch(/\$?t\(\s*`/);
    }
    const trAll = flatten(locales.tr);
    const enAll = flatten(locales.en);
    expect(used.size).toBeGreaterThan(120);
    expect([...used].filter((key) => !(key in trAll) || !(key in enAll))).toEqual([]);
  });
});
