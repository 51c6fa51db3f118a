// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(web, path), 'utf8')) as Record<string, unknown>;
const locales = {
  tr: { ...readJson('i18n/locales/tr.json'), ...readJson('i18n/locales/tr/admin.json') },
  en: { ...readJson('i18n/locales/en.json'), ...readJson('i18n/locales/en/admin.json') },
};
const FAMILIES = ['profiles', 'definitions', 'tenants', 'users'];

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

/** The source files of the admin pages: pages, components, composables and label maps of the four families. */
const sources = [
  ...FAMILIES.flatMap((family) => [...files(`app/pages/${family}`), ...files(`app/components/${family}`)]),
  ...files('app/composables').filter((path) => /\/use(Profiles|Definitions|Tenants|Users)/.test(path)),
  'app/lib/definition-labels.ts',
  'app/lib/enum-labels.ts',
];

describe('admin translations', () => {
  const tr = flatten(Object.fromEntries(FAMILIES.map((f) => [f, locales.tr[f]])));
  const en = flatten(Object.fromEntries(FAMILIES.map((f) => [f, locales.en[f]])));

  it('has the same keys in Turkish and English', () => {
    expect(Object.keys(tr).filter((key) => !(key in en))).toEqual([]);
    expect(Object.keys(en).filter((key) => !(key in tr))).toEqual([]);
  });

  it('has only messages vue-i18n reads as plain text with named parameters', () => {
    // Braces are interpolation, "|" separates plurals and "@" starts a linked message.
    const bad = Object.entries({ ...tr, ...en }).filter(([, message]) => {
      const withoutParams = message.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '');
      return /[{}|@]/.test(withoutParams);
    });
    expect(bad).toEqual([]);
  });

  it('defines every static key the admin pages use, in both languages', () => {
    const used = new Set<string>();
    for (const path of sources) {
      const text = readFileSync(join(web, path), 'utf8');
      for (const match of text.matchAll(/['"`]((?:profiles|definitions|tenants|users|nav)\.[A-Za-z0-9_.]+)['"`]/g)) used.add(match[1]!);
    }
    const trAll = flatten(locales.tr);
    const enAll = flatten(locales.en);
    expect(used.size).toBeGreaterThan(300);
    expect([...used].filter((key) => !(key in trAll) || !(key in enAll))).toEqual([]);
  });
});
