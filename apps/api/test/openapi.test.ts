import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '../src/bin/sync-open-api';

/** The committed OpenAPI document is the contract clients are generated from: it must match the code. */
describe('OpenAPI document', () => {
  it('is committed and matches the routes and DTOs (regenerate with `pnpm --filter @water/api openapi`)', async () => {
    const file = resolve(__dirname, '../../../open-api/openapi.json');
    expect(existsSync(file), 'open-api/openapi.json is missing').toBe(true);
    const current = await renderOpenApi();
    const committed = readFileSync(file, 'utf8');
    expect(JSON.parse(committed), 'open-api/openapi.json is stale: run pnpm --filter @water/api openapi').toEqual(JSON.parse(current));
    const doc = JSON.parse(current);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/tenants', '/api/users/{id}', '/api/ingest/ttn/{integrationId}']));
  });
});
