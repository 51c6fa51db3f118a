import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The module-boundary lint rules (apps/api/lint/boundaries.mjs, wired in the root eslint.config.mjs) still
 * fire: each snippet is linted with the repository's own config as if it were the named file, so a rule
 * renamed, a glob that no longer matches or a config block that overrides another fails here rather than
 * letting `pnpm lint` pass quietly. architecture.test.ts checks the whole source text as the second wall.
 */

const ROOT = resolve(__dirname, '../../..');
const BOUNDARY_RULES = new Set(['water/no-foreign-repository', 'no-restricted-imports']);

const eslint = new ESLint({
  cwd: ROOT,
  // Only the boundary rules, without type information: the snippets are not in any program, and this stays fast.
  ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** The boundary rules a snippet breaks, as if it were `apps/api/src/<file>`. */
async function broken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: resolve(ROOT, 'apps/api/src', file) });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.map((m) => m.ruleId ?? 'fatal');
}

describe('lint: API module boundaries', () => {
  it("reports a module importing another module's repository", async () => {
    const foreign = `import { DevicesRepository } from '../devices/devices.repository';`;
    expect(await broken('modules/meters/meters.service.ts', foreign)).toEqual(['water/no-foreign-repository']);
    expect(await broken('modules/meters/meter-rules.ts', foreign)).toEqual(['water/no-foreign-repository']);
    expect(
      await broken('core/audit/audit.service.ts', `import { MetersRepository } from '../../modules/meters/meters.repository';`),
    ).toEqual(['water/no-foreign-repository']);
    expect(await broken('modules/meters/meters.service.ts', `import { MetersRepository } from './meters.repository';`)).toEqual([]);
  });

  it('reports a service or controller importing the database clients', async () => {
    const database = `import { DatabaseService } from '../../core/database/database.service';`;
    expect(await broken('modules/meters/meters.service.ts', database)).toEqual(['no-restricted-imports']);
    expect(await broken('modules/meters/meters.controller.ts', database)).toEqual(['no-restricted-imports']);
    expect(await broken('modules/meters/meters.service.ts', `import { sql } from 'kysely';`)).toEqual(['no-restricted-imports']);
    expect(await broken('modules/meters/meters.service.ts', `import type { Prisma } from '@water/db';`)).toEqual(['no-restricted-imports']);
    expect(await broken('modules/meters/meters.service.ts', `import { containsText } from '../../core/database/like';`)).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('modules/meters/meters.service.ts', `import { clientOf } from '../../core/database/unit-of-work';`)).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('lets services open transactions and repositories use the clients', async () => {
    expect(
      await broken('modules/meters/meters.service.ts', `import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';`),
    ).toEqual([]);
    expect(await broken('modules/meters/meters.service.ts', `import { SEED_PASSWORD } from '@water/db';`)).toEqual([]);
    expect(
      await broken(
        'modules/meters/meters.repository.ts',
        `import { DatabaseService } from '../../core/database/database.service';\nimport { sql } from 'kysely';`,
      ),
    ).toEqual([]);
    expect(await broken('core/database/unit-of-work.ts', `import { DatabaseService } from './database.service';`)).toEqual([]);
  });
});
