import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  ConsumptionDto,
  ConsumptionQueryDto,
  LiveReadingPageDto,
  LiveReadingsQueryDto,
  ReadingPageDto,
  ReadingsQueryDto,
} from './readings.dto';
import { ReadingsService } from './readings.service';
import { MeterBrandListDto, MeterBrandsQueryDto } from '../meters/meters.dto';
import { consumptionJson } from './consumption-json';

/** The consumption answers go out as JSON bytes written by consumptionJson (a year of hours is ~360 KB). */
const JSON_BYTES = 'application/json; charset=utf-8';

/** Readings and consumption of meters, devices, subscriptions and customers; each needs read on its module. */
@ApiTags('readings')
@Controller()
export class ReadingsController {
  constructor(private readonly readings: ReadingsService) {}

  @Access('LIVE_READINGS', 'read')
  @Get('readings/live/brands')
  @ApiOkResponse({
    type: MeterBrandListDto,
    description: 'the live table brand filter: brands of the meters the caller sees in live readings',
  })
  liveBrands(@Auth() access: AccessContext, @Query() query: MeterBrandsQueryDto) {
    return this.readings.liveBrands(access, query);
  }

  @Access('LIVE_READINGS', 'read')
  @Get('readings/live')
  @ApiOkResponse({
    type: LiveReadingPageDto,
    description: 'Live Readings table: newest first, 30 per page, page numbers or a `before` cursor',
  })
  live(@Auth() access: AccessContext, @Query() query: LiveReadingsQueryDto) {
    return this.readings.live(access, query);
  }

  @Access('METERS', 'read')
  @Get('meters/:id/readings')
  @ApiOkResponse({ type: ReadingPageDto })
  ofMeter(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ReadingsQueryDto) {
    return this.readings.ofMeter(access, id, query);
  }

  @Access('DEVICES', 'read')
  @Get('devices/:id/readings')
  @ApiOkResponse({ type: ReadingPageDto })
  ofDevice(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ReadingsQueryDto) {
    return this.readings.ofDevice(access, id, query);
  }

  @Access('METERS', 'read')
  @Get('meters/:id/consumption')
  @ApiOkResponse({ type: ConsumptionDto })
  @Header('content-type', JSON_BYTES)
  async meterConsumption(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ConsumptionQueryDto) {
    return consumptionJson(await this.readings.meterConsumptionBody(access, id, query));
  }

  @Access('SUBSCRIPTIONS', 'read')
  @Get('subscriptions/:id/consumption')
  @ApiOkResponse({ type: ConsumptionDto, description: 'total, by meter (across meter changes) and by device' })
  @Header('content-type', JSON_BYTES)
  async subscriptionConsumption(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ConsumptionQueryDto) {
    return consumptionJson(await this.readings.subscriptionConsumptionBody(access, id, query));
  }

  @Access('CUSTOMERS', 'read')
  @Get('customers/:id/consumption')
  @ApiOkResponse({ type: ConsumptionDto, description: 'total and by subscription' })
  @Header('content-type', JSON_BYTES)
  async customerConsumption(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ConsumptionQueryDto) {
    return consumptionJson(await this.readings.customerConsumptionBody(access, id, query));
  }
}
