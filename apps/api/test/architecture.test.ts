import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The data-access boundary (CONTRIBUTING.md, "Data access"), proved on the source text:
 * 1. only repositories (`*.repository.ts`) and `src/core/database/` speak to the database: no other
 *    file imports Prisma, Kysely, pg or DatabaseService, opens a transaction, or calls a Prisma
 *    delegate on a transaction (`tx.meter.update(...)`); services open transactions through
 *    `UnitOfWork.run` and hand its opaque `Transaction` to repositories;
 * 2. no file imports the repository of another module (a module exports its service).
 * Command-line tools in `src/bin/` build their own clients and are not checked.
 */

const SRC = resolve(__dirname, '../src');

/** Files that do not meet the rule yet, each with why. An entry that passes must be removed. */
const KNOWN_DATABASE_EXCEPTIONS: Record<string, string> = {};

const KNOWN_REPOSITORY_EXCEPTIONS: Record<string, string> = {};

/** What only a repository may write. */
const DATABASE_USES: [RegExp, string][] = [
  [/from 'kysely'/, 'imports kysely'],
  [/from 'pg'/, 'imports pg'],
  [/database\/database\.service'|\bDatabaseService\b/, 'uses DatabaseService'],
  [/database\/like'/, 'uses the LIKE helpers of core/database/like (query building)'],
  [/\$transaction\b|\$queryRaw|\$executeRaw/, 'opens a Prisma transaction or raw query'],
  [
    /\btx\.\w+\.(findUnique|findFirst|findMany|create|createMany|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)\(/,
    'calls a Prisma delegate on a transaction',
  ],
  [/\.prisma\./, 'reaches a Prisma client'],
  [/\.db\.(selectFrom|insertInto|updateTable|deleteFrom|transaction|with)\b/, 'runs a Kysely query'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ name: relative(SRC, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }));
const mayQuery = (name: string) => name.endsWith('.repository.ts') || name.startsWith('core/database/') || name.startsWith('bin/');

function databaseViolations(text: string): string[] {
  const found = DATABASE_USES.filter(([re]) => re.test(text)).map(([, what]) => what);
  // @water/db also exports domain helpers (codecs, seed constants): only its client and types count.
  const dbImports = [...text.matchAll(/import[^;]*?from '@water\/db'/g)].map((m) => m[0]);
  if (dbImports.some((i) => /\b(Prisma|PrismaClient|DB|createKysely|createPool|createPrismaClient)\b/.test(i)))
    found.unshift('imports the database client or its types from @water/db');
  return found;
}

/** modules/<name>/… of a source path, or null outside modules. */
const moduleOf = (name: string) => /^modules\/([^/]+)\//.exec(name)?.[1] ?? null;

function foreignRepositoryImports(name: string, text: string): string[] {
  const out: string[] = [];
  for (const [, spec] of text.matchAll(/from '(\.[^']+\.repository)'/g)) {
    const target = relative(SRC, resolve(SRC, dirname(name), spec))
      .split('\\')
      .join('/');
    const owner = moduleOf(target);
    if (owner && owner !== moduleOf(name)) out.push(target);
  }
  return out;
}

describe('architecture: data access', () => {
  it('lets only repositories and core/database touch Prisma, Kysely or DatabaseService', () => {
    const found: Record<string, string[]> = {};
    for (const f of files) {
      if (mayQuery(f.name)) continue;
      const v = databaseViolations(f.text);
      if (v.length) found[f.name] = v;
    }
    const unexpected = Object.fromEntries(Object.entries(found).filter(([name]) => !(name in KNOWN_DATABASE_EXCEPTIONS)));
    expect(unexpected, 'move these queries into a repository (and transactions into UnitOfWork.run)').toEqual({});
    const stale = Object.keys(KNOWN_DATABASE_EXCEPTIONS).filter((name) => !(name in found));
    expect(stale, 'these files meet the rule now: remove them from KNOWN_DATABASE_EXCEPTIONS').toEqual([]);
  });

  it('lets no module import another module’s repository', () => {
    const found: Record<string, string[]> = {};
    for (const f of files) {
      const v = foreignRepositoryImports(f.name, f.text);
      if (v.length) found[f.name] = v;
    }
    const unexpected = Object.fromEntries(Object.entries(found).filter(([name]) => !(name in KNOWN_REPOSITORY_EXCEPTIONS)));
    expect(unexpected, 'use the other module’s exported service instead').toEqual({});
    const stale = Object.keys(KNOWN_REPOSITORY_EXCEPTIONS).filter((name) => !(name in found));
    expect(stale, 'these files meet the rule now: remove them from KNOWN_REPOSITORY_EXCEPTIONS').toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(databaseViolations(`import type { Prisma } from '@water/db';`)).toHaveLength(1);
    expect(databaseViolations(`import { SEED_PASSWORD } from '@water/db';`)).toEqual([]);
    expect(databaseViolations(`await tx.meter.update({ where: { id } });`)).toHaveLength(1);
    expect(databaseViolations(`await this.meters.update(tx, id, data);`)).toEqual([]);
    expect(databaseViolations(`import { sql } from 'kysely';`)).toHaveLength(1);
    expect(databaseViolations(`constructor(private readonly database: DatabaseService) {}`)).toHaveLength(1);
    expect(foreignRepositoryImports('modules/meters/meters.service.ts', `import { X } from '../devices/devices.repository';`)).toEqual([
      'modules/devices/devices.repository',
    ]);
    expect(foreignRepositoryImports('modules/meters/meters.service.ts', `import { X } from './meters.repository';`)).toEqual([]);
  });
});

describe('architecture: API contract', () => {
  it('builds every DTO with core/http/zod-dto, which documents bare nullable fields as nullable', () => {
    const direct = files
      .filter((f) => f.name !== 'core/http/zod-dto.ts' && /import \{[^}]*\bcreateZodDto\b[^}]*\} from 'nestjs-zod'/.test(f.text))
      .map((f) => f.name);
    expect(direct, 'import createZodDto from core/http/zod-dto').toEqual([]);
  });
});

describe('architecture: search', () => {
  it('searches text through core/database/search (one Turkish-aware rule), never ILIKE or Prisma’s insensitive mode', () => {
    const own = files
      .filter((f) => !f.name.startsWith('core/database/'))
      .filter((f) => /'ilike'|\bILIKE\b|mode: 'insensitive'/.test(f.text))
      .map((f) => f.name);
    expect(own, 'use matchesSearch / foldSearch + searchTextContains of core/database/search').toEqual([]);
  });
});

describe('architecture: jobs', () => {
  /** Queues with a consumption loop of their own (JobWorkersOptions.ownLoops), each with why. */
  const OWN_LOOPS: Record<string, string> = {
    'modules/ingest/uplink-worker.service.ts': 'group commit over WORKER_CONCURRENCY jobs in hand (CONTRIBUTING.md, Jobs)',
  };

  it('consumes jobs through @OnJob handlers (core/jobs), not BullMQ workers of their own, and never casts job.data', () => {
    const workers = files
      .filter((f) => !f.name.startsWith('core/jobs/') && !(f.name in OWN_LOOPS))
      .filter((f) => /\bnew Worker\b[^(]*\(/.test(f.text) && /import \{[^}]*\bWorker\b[^}]*\} from 'bullmq'/.test(f.text))
      .map((f) => f.name);
    expect(workers, 'declare an @OnJob({ name: JobName.X }) handler instead').toEqual([]);
    const casts = files.filter((f) => !f.name.startsWith('core/jobs/') && /\bjob\??\.data as\b/.test(f.text)).map((f) => f.name);
    expect(casts, 'handlers receive JobPayloads[name]; JobsService.find reads a job back typed').toEqual([]);
    const stale = Object.keys(OWN_LOOPS).filter((name) => !files.some((f) => f.name === name && /\bnew Worker\b/.test(f.text)));
    expect(stale, 'these files no longer run their own loop: remove them from OWN_LOOPS').toEqual([]);
  });
});
