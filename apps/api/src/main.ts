import 'reflect-metadata';
import { createApp } from './bootstrap';
import { runProcess } from './core/process/run-process';

// The HTTP API: webhooks, the console's API and live sockets. Produces jobs; the worker consumes them.
runProcess({
  create: (config) => createApp(config),
  start: (app, config) => app.listen({ port: config.API_PORT, host: config.API_HOST }).then(() => undefined),
});
