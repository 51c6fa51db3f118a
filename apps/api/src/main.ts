import 'reflect-metadata';
import { closeGracefullyOn, createApp } from './bootstrap';
import { ConfigError, loadConfig } from './core/config/config';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApp(config);
  closeGracefullyOn(app, config.SHUTDOWN_GRACE_MS);
  await app.listen({ port: config.API_PORT, host: config.API_HOST });
}

void main();
