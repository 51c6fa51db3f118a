import { Inject, Injectable } from '@nestjs/common';
import { OUT_OF_SERVICE_STATUSES, RED_ALARM_TYPES } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { skipTake, type Page } from '../../core/http/paging';
import { AlarmsService } from '../alarms/alarms.service';
import {
  MAP_SEARCH_LIMIT,
  mapAreas,
  mapMap,
  mapOutOfService,
  mapSearchHit,
  type MapAreas,
  type MapSearchQuery,
  type MapSearchView,
  mapStatusCounts,
  mapUsage,
  type MapQuery,
  type MapView,
  type OutOfServiceQuery,
  type OutOfServiceRow,
  type Summary,
  type UsageQuery,
} from './dashboard.dto';
import { DashboardRepository } from './dashboard.repository';

const MODULE = 'DASHBOARD';
/** "Total water usage" covers the last 30 days before today, plus today so far. */
const CONSUMPTION_DAYS = 30;
const LATEST_ALARMS = 10;
/** One map answer carries at most this many markers; beyond it the console narrows with a bbox. */
export const MAX_MAP_MARKERS = 20_000;

@Injectable()
export class DashboardService {
  constructor(
    private readonly dashboard: DashboardRepository,
    private readonly alarms: AlarmsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Brief 2.1.2–2.1.7: alert counts and latest alarms, totals, water usage, assets out of service. */
  async summary(access: AccessContext, tenantId?: string): Promise<Summary> {
    const tenantIds = access.tenantIds(MODULE, 'read', tenantId);
    const [totals, consumption, counts, latestAlarms, meterStatuses, deviceStatuses] = await Promise.all([
      this.dashboard.totals(tenantIds),
      this.dashboard.consumption(tenantIds, CONSUMPTION_DAYS),
      this.alarms.counts(access, tenantId),
      this.alarms.latestOpen(access, tenantId, LATEST_ALARMS),
      this.dashboard.statusCounts('meter', tenantIds),
      this.dashboard.statusCounts('device', tenantIds),
    ]);
    return {
      ...totals,
      totalConsumptionM3: Number(consumption.total),
      consumptionTodayM3: Number(consumption.today),
      totalEstimatedM3: Number(consumption.totalEstimated),
      estimatedTodayM3: Number(consumption.todayEstimated),
      openAlarms: counts.open,
      unacknowledgedAlarms: counts.unacknowledged,
      openAlarmsByType: counts.byType,
      latestAlarms,
      outOfService: { meters: mapStatusCounts(meterStatuses), devices: mapStatusCounts(deviceStatuses) },
    };
  }

  /** Brief 2.1.1: every subscription with coordinates, coloured red > orange > grey > green. */
  async map(access: AccessContext, q: MapQuery): Promise<MapView> {
    const rows = await this.dashboard.mapMarkers({
      tenantIds: access.tenantIds(MODULE, 'read', q.tenantId),
      bbox: q.bbox,
      redTypes: RED_ALARM_TYPES,
      graceFactor: this.config.NO_SIGNAL_GRACE_FACTOR,
      limit: MAX_MAP_MARKERS,
    });
    return mapMap(rows, MAX_MAP_MARKERS);
  }

  /** Issue 21: the map's search box; only subscriptions the map shows (with coordinates) are found. */
  async mapSearch(access: AccessContext, q: MapSearchQuery): Promise<MapSearchView> {
    const rows = await this.dashboard.mapSearch(access.tenantIds(MODULE, 'read', q.tenantId), q.q, MAP_SEARCH_LIMIT);
    return { items: rows.map(mapSearchHit) };
  }

  /** Issue 21: the map's district / neighbourhood filter, from the caller's scope only. */
  async mapAreas(access: AccessContext, tenantId?: string): Promise<MapAreas> {
    return mapAreas(await this.dashboard.mapAreas(access.tenantIds(MODULE, 'read', tenantId)));
  }

  async usage(access: AccessContext, q: UsageQuery) {
    return mapUsage(await this.dashboard.usage(access.tenantIds(MODULE, 'read', q.tenantId), q.days));
  }

  /** Brief 2.1.7: meters or devices that are not in use. */
  async outOfService(access: AccessContext, q: OutOfServiceQuery): Promise<Page<OutOfServiceRow>> {
    const filter = {
      tenantIds: access.tenantIds(MODULE, 'read', q.tenantId),
      statuses: q.status ? [q.status] : OUT_OF_SERVICE_STATUSES,
      search: q.search,
      sort: q.sort,
      order: q.order,
      ...skipTake(q),
    };
    const { rows, total } =
      q.kind === 'meter' ? await this.dashboard.outOfServiceMeters(filter) : await this.dashboard.outOfServiceDevices(filter);
    return { items: rows.map((r) => mapOutOfService(q.kind, r)), total, page: q.page, pageSize: q.pageSize };
  }
}
