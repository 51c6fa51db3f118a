import { randomUUID } from 'node:crypto';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/config';

/** Structured JSON logs (pino) with the request id on every line of a request. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Named wildcard: path-to-regexp 8 (Nest 11) no longer accepts a bare '*'.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          // Network-server webhooks arrive thousands a second: a log line (and a child logger) per uplink
          // costs ~15 % of the ingest node's CPU (docs/benchmarks.md, B1). Rejections are still logged
          // by the ingest service and the error filter.
          exclude: [{ path: 'ingest/{*path}', method: RequestMethod.POST }],
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: (req) => (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID(),
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password', 'req.body.refreshToken'],
            // Health probes every few seconds would drown everything else.
            autoLogging: { ignore: (req) => req.url === '/api/health' },
            customProps: () => ({ service: 'api' }),
          },
        }),
      ],
    };
  }
}
