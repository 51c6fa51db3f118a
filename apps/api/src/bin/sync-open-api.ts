/**
 * Writes the OpenAPI document to open-api/openapi.json (committed). `pnpm --filter @water/api openapi`
 * after changing a route or DTO; test/openapi.test.ts fails when the committed file drifts.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApi, createApp } from '../bootstrap';
import { loadConfig } from '../core/config/config';

export const OPEN_API_FILE = resolve(__dirname, '../../../../open-api/openapi.json');

export async function renderOpenApi(): Promise<string> {
  const app = await createApp(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), { logger: false });
  try {
    await app.init();
    return `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

// Run as a script (compiled), not when imported by the drift test.
if (typeof require !== 'undefined' && require.main === module) {
  void renderOpenApi().then((text) => {
    mkdirSync(dirname(OPEN_API_FILE), { recursive: true });
    writeFileSync(OPEN_API_FILE, text);
    process.stdout.write(`wrote ${OPEN_API_FILE}\n`);
  });
}
