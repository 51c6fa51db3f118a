// @ts-check
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The API's module boundaries as lint rules (CONTRIBUTING.md, "Data access"): the first line of defence,
 * in the editor; apps/api/test/architecture.test.ts is the second, on the whole source text.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** `modules/<name>/…` of a path under src, or null outside modules. */
const moduleOf = (/** @type {string} */ path) => /^modules\/([^/]+)\//.exec(relative(SRC, path).split('\\').join('/'))?.[1] ?? null;

/** @type {import('eslint').Rule.RuleModule} */
const noForeignRepository = {
  meta: {
    type: 'problem',
    docs: { description: "A module never imports another module's repository: it asks that module's exported service." },
    schema: [],
    messages: {
      foreign: "'{{source}}' is the repository of module '{{owner}}': use that module's exported service instead.",
    },
  },
  create(context) {
    const own = moduleOf(context.filename);
    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      if (!spec.startsWith('.') || !/\.repository(\.[cm]?[jt]s)?$/.test(spec)) return;
      const owner = moduleOf(resolve(dirname(context.filename), spec));
      if (owner && owner !== own) context.report({ node: source, messageId: 'foreign', data: { source: spec, owner } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export const plugin = { meta: { name: 'water' }, rules: { 'no-foreign-repository': noForeignRepository } };

const DATABASE_CLIENT =
  'only repositories (and core/database) speak to the database: inject a repository, open transactions with UnitOfWork.run';

/** Only repositories, core/database and the command-line tools in bin/ may import the database clients. */
export const databaseImports = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'kysely', message: DATABASE_CLIENT },
        { name: 'pg', message: DATABASE_CLIENT },
        { name: '@prisma/client', message: DATABASE_CLIENT },
        {
          name: '@water/db',
          // @water/db also exports domain helpers (codecs, seed constants): only its clients and their types are closed.
          importNames: ['Prisma', 'PrismaClient', 'DB', 'createKysely', 'createPool', 'createPrismaClient'],
          message: DATABASE_CLIENT,
        },
      ],
      patterns: [
        { group: ['**/core/database/database.service', '**/database/database.service', './database.service'], message: DATABASE_CLIENT },
        { group: ['**/core/database/like', '**/database/like'], message: `${DATABASE_CLIENT} (the LIKE helpers build queries)` },
        { group: ['**/core/database/unit-of-work', '**/database/unit-of-work'], importNames: ['clientOf'], message: DATABASE_CLIENT },
      ],
    },
  ],
};
