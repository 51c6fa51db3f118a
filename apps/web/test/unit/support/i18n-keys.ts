import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The translation checks the screen families share (meter data, ops, alarm work): Turkish and English
 * have the same keys, every message is plain text with named parameters, and every static key the
 * family's sources use exists in both languages (none built at run time from a template literal).
 */

/** apps/web */
export const web = fileURLToPath(new URL('../../..', import.meta.url));

export const readText = (path: string) => readFileSync(join(web, path), 'utf8');

/** Every file below `dir` (relative to apps/web), recursively. */
export function files(dir: string): string[] {
  const full = join(web, dir);
  return readdirSync(full).flatMap((name) => (statSync(join(full, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

/** Nested messages as dotted keys. */
export function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, inner]) => ({ ...all, ...flatten(inner, prefix ? `${prefix}.${key}` : key) }),
    {},
  );
}

/**
 * One language's messages from i18n/locales/<lang>.json and the given i18n/locales/<lang>/<name>.json
 * files, merged deeply (en.json and en/dashboard.json both hold `dashboard`), as dotted keys.
 */
export function localeKeys(lang: 'tr' | 'en', names: readonly string[]): Record<string, string> {
  return ['', ...names.map((n) => `/${n}`)].reduce<Record<string, string>>(
    (all, f) => ({ ...all, ...flatten(JSON.parse(readText(`i18n/locales/${lang}${f}.json`))) }),
    {},
  );
}

/** The family's keys (those under one of `families`) of a flattened locale. */
export function familyKeys(messages: Record<string, string>, families: readonly string[]): string[] {
  return Object.keys(messages).filter((key) => families.some((f) => key.startsWith(`${f}.`)));
}

/** Messages that vue-i18n would not read as plain text with named parameters (braces, pipes, @, markup). */
export function unplainMessages(messages: readonly string[]): string[] {
  return messages.filter((m) => /[{}|@<>]/.test(m.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '')));
}

/** The static keys under `prefixes` that the given sources (paths relative to apps/web) name in quotes. */
export function usedKeys(sources: readonly string[], prefixes: readonly string[]): Set<string> {
  const pattern = new RegExp(`['"\`]((?:${prefixes.join('|')})\\.[A-Za-z0-9_.]+)['"\`]`, 'g');
  const used = new Set<string>();
  for (const path of sources) for (const match of readText(path).matchAll(pattern)) used.add(match[1]!);
  return used;
}

export interface I18nKeyChecks {
  /** Locale files beside <lang>.json, e.g. ['assets', 'ops'] for <lang>/assets.json and <lang>/ops.json. */
  localeFiles: readonly string[];
  /** Top-level message families this screen group owns (their keys must match between tr and en). */
  families: readonly string[];
  /** Source files whose quoted keys are checked. */
  sources: readonly string[];
  /** Key prefixes looked for in the sources (the families and shared ones such as `nav`, `common`). */
  usedPrefixes: readonly string[];
  /** Lower bounds, so a broken glob or regex cannot make the checks pass on nothing. */
  minKeys: number;
  minUsed: number;
}

/** Registers the shared translation checks inside the caller's `describe`. */
export function itChecksI18nKeys(options: I18nKeyChecks): void {
  const tr = localeKeys('tr', options.localeFiles);
  const en = localeKeys('en', options.localeFiles);
  const trOwn = familyKeys(tr, options.families);
  const enOwn = familyKeys(en, options.families);

  it('has the same keys in Turkish and English', () => {
    expect(trOwn.length).toBeGreaterThan(options.minKeys);
    expect(trOwn.filter((key) => !(key in en))).toEqual([]);
    expect(enOwn.filter((key) => !(key in tr))).toEqual([]);
  });

  it('has only plain messages with named parameters (no braces, pipes, @ or markup)', () => {
    expect(unplainMessages([...trOwn.map((k) => tr[k]!), ...enOwn.map((k) => en[k]!)])).toEqual([]);
  });

  it('defines every static key the sources use, in both languages, and builds none at run time', () => {
    for (const path of options.sources) expect(readText(path), path).not.toMatch(/\$?t\(\s*`/);
    const used = usedKeys(options.sources, options.usedPrefixes);
    expect(used.size).toBeGreaterThan(options.minUsed);
    expect([...used].filter((key) => !(key in tr) || !(key in en))).toEqual([]);
  });
}
