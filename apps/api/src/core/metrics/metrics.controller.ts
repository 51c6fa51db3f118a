import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access.decorator';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { NotAuthenticatedException } from '../http/errors';
import { MetricsService, scrapeAllowed } from './metrics.service';

/** Prometheus scrape endpoint of an API process; Prometheus sends `authorization: Bearer <METRICS_TOKEN>`. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiExcludeEndpoint()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!scrapeAllowed(authorization, this.config.METRICS_TOKEN)) {
      throw new NotAuthenticatedException(
        this.config.METRICS_TOKEN ? 'bad or missing metrics token' : 'metrics need METRICS_TOKEN to be set',
      );
    }
    const { contentType, body } = await this.metrics.exposition();
    void reply.header('content-type', contentType);
    return body;
  }
}
