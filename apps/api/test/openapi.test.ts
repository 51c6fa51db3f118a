import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_CLIENT_TYPES_FILE, renderApiClientTypes, renderOpenApi } from '../src/bin/sync-open-api';

/** The committed OpenAPI document is the contract clients are generated from: it must match the code. */
describe('OpenAPI document', () => {
  it('is committed and matches the routes and DTOs (regenerate with `pnpm --filter @water/api openapi`)', async () => {
    const file = resolve(__dirname, '../../../open-api/openapi.json');
    expect(existsSync(file), 'open-api/openapi.json is missing').toBe(true);
    const current = await renderOpenApi();
    const committed = readFileSync(file, 'utf8');
    expect(JSON.parse(committed), 'open-api/openapi.json is stale: run pnpm --filter @water/api openapi').toEqual(JSON.parse(current));
    const doc = JSON.parse(current);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/tenants', '/api/users/{id}', '/api/ingest/ttn/{integrationId}']),
    );
  });

  // The console is typed from this file: a DTO change without regenerating it would type-check against the old API.
  it('has its generated client types committed and current (packages/api-client/openapi.d.ts)', async () => {
    expect(existsSync(API_CLIENT_TYPES_FILE), 'packages/api-client/openapi.d.ts is missing').toBe(true);
    const expected = await renderApiClientTypes(readFileSync(resolve(__dirname, '../../../open-api/openapi.json'), 'utf8'));
    expect(
      readFileSync(API_CLIENT_TYPES_FILE, 'utf8') === expected,
      'packages/api-client/openapi.d.ts is stale: run pnpm --filter @water/api openapi',
    ).toBe(true);
  });
});
