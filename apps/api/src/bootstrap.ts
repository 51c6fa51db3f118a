import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import { AppModule } from './app.module';
import type { AppConfig } from './core/config/config';
import { registerHttpMetrics } from './core/metrics/http-metrics';
import { nullableFor30 } from './core/http/zod-dto';
import { registerRequestHygiene } from './core/http/request-hygiene';
import { registerResponseHeaders } from './core/http/response-headers';

/** Builds the HTTP application; used by main.ts, the tests and the OpenAPI script alike. */
export async function createApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID(),
    // Route parameters are ids and short names.
    routerOptions: { maxParamLength: 200 },
  });
  // Webhooks get a tighter body limit than the console's API: uplinks are a few hundred bytes.
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/ingest/')) route.bodyLimit = config.INGEST_BODY_LIMIT_BYTES;
  });
  // UTF-8 bodies only, no NUL in any string of body, query or path: for every route, before any handler.
  registerRequestHygiene(adapter.getInstance());
  registerHttpMetrics(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Body parsers are registerRequestHygiene's (UTF-8 only).
    bodyParser: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  // Uploads (imports): streamed, one file, bounded by IMPORT_MAX_BYTES per route call (core/http/upload.ts).
  await app.register(fastifyMultipart, { limits: { fileSize: config.IMPORT_MAX_BYTES, files: 1, fields: 0, parts: 1 } });
  app.setGlobalPrefix('api');
  app.enableCors({ origin: config.CORS_ORIGINS.split(',').map((s) => s.trim()), credentials: true });
  await registerResponseHeaders(app.getHttpAdapter().getInstance());
  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Water platform API')
      .setDescription('Multi-tenant remote water-meter reading platform: IAM, assets, readings, alarms and ingestion.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  return nullableFor30(cleanupOpenApiDoc(doc));
}
