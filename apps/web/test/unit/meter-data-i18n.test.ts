// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(web, path), 'utf8')) as Record<string, unknown>;
const FILES = ['', '/dashboard', '/assets', '/admin', '/ops', '/meter-data'];
const merged = (lang: string) =>
  FILES.reduce<Record<string, unknown>>(
    (all, f) => ({ ...all, ...readJson(f ? `i18n/locales/${lang}${f}.json` : `i18n/locales/${lang}.json`) }),
    {},
  );
const locales = { tr: merged('tr'), en: merged('en') };
const FAMILIES = ['meterData', 'imports'];

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

/** The meter-data screens (issue 17): data quality, rule settings, imports, reading edits, exports. */
const sources = [
  ...files('app/pages/data-quality'),
  ...files('app/pages/imports'),
  ...files('app/components/meter-data'),
  ...files('app/components/imports'),
  'app/components/crud/ExportLinks.vue',
  'app/components/assets/ReadingsTable.vue',
  'app/components/readings/ReadingsTable.vue',
  'app/components/charts/ConsumptionChart.vue',
  'app/composables/useMeterData.ts',
  'app/composables/useImports.ts',
  'app/lib/reading-quality.ts',
  'app/lib/reading-edit-form.ts',
  'app/lib/import-wizard.ts',
  'app/lib/meter-data-settings-form.ts',
  'app/lib/revalidate-form.ts',
  'app/lib/navigation.ts',
];

describe('meter data translations', () => {
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

  it('defines every static key these screens use, in both languages, and builds none at run time', () => {
    const used = new Set<string>();
    for (const path of sources) {
      const text = readFileSync(join(web, path), 'utf8');
      for (const match of text.matchAll(/['"`]((?:meterData|imports|common|nav)\.[A-Za-z0-9_.]+)['"`]/g)) used.add(match[1]!);
      expect(text, path).not.toMatch(/\$?t\(\s*`/);
    }
    const trAll = flatten(locales.tr);
    const enAll = flatten(locales.en);
    expect(used.size).toBeGreaterThan(150);
    expect([...used].filter((key) => !(key in trAll) || !(key in enAll))).toEqual([]);
  });
});
