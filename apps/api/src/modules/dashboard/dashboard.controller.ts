import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import {
  MapAreasDto,
  MapAreasQueryDto,
  MapDto,
  MapQueryDto,
  MapSearchDto,
  MapSearchQueryDto,
  OutOfServicePageDto,
  OutOfServiceQueryDto,
  SummaryDto,
  SummaryQueryDto,
  UsageDto,
  UsageQueryDto,
} from './dashboard.dto';
import { DashboardService } from './dashboard.service';

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Access('DASHBOARD', 'read')
  @Get('summary')
  @ApiOkResponse({ type: SummaryDto })
  summary(@Auth() access: AccessContext, @Query() query: SummaryQueryDto) {
    return this.dashboard.summary(access, query.tenantId);
  }

  @Access('DASHBOARD', 'read')
  @Get('map')
  @ApiOkResponse({ type: MapDto, description: 'one marker per subscription with coordinates' })
  map(@Auth() access: AccessContext, @Query() query: MapQueryDto) {
    return this.dashboard.map(access, query);
  }

  @Access('DASHBOARD', 'read')
  @Get('map/search')
  @ApiOkResponse({ type: MapSearchDto, description: 'subscriptions on the map matching a number, customer or address (issue 21)' })
  mapSearch(@Auth() access: AccessContext, @Query() query: MapSearchQueryDto) {
    return this.dashboard.mapSearch(access, query);
  }

  @Access('DASHBOARD', 'read')
  @Get('map/areas')
  @ApiOkResponse({ type: MapAreasDto, description: 'districts and neighbourhoods of the subscriptions on the map (issue 21)' })
  mapAreas(@Auth() access: AccessContext, @Query() query: MapAreasQueryDto) {
    return this.dashboard.mapAreas(access, query.tenantId);
  }

  @Access('DASHBOARD', 'read')
  @Get('usage')
  @ApiOkResponse({ type: UsageDto, description: 'fleet consumption per local day, oldest first, zero-filled' })
  usage(@Auth() access: AccessContext, @Query() query: UsageQueryDto) {
    return this.dashboard.usage(access, query);
  }

  @Access('DASHBOARD', 'read')
  @Get('out-of-service')
  @ApiOkResponse({ type: OutOfServicePageDto })
  outOfService(@Auth() access: AccessContext, @Query() query: OutOfServiceQueryDto) {
    return this.dashboard.outOfService(access, query);
  }
}
