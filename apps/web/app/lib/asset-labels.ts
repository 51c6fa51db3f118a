/**
 * i18n keys (in i18n/locales/{tr,en}/assets.json) of the codes the asset pages show. Written out so
 * every key stays static and searchable.
 */
import type {
  AlarmType,
  AssetStatus,
  CommunicationModule,
  ConnectionType,
  DialType,
  MeterType,
  MountingType,
  SubscriptionType,
  TemperatureType,
  ValveState,
} from '@water/shared';
import type { ConsumptionInterval } from '~/lib/consumption-range';

export const STATUS_LABELS: Record<AssetStatus, string> = {
  ACTIVE: 'assets.enums.status.active',
  PASSIVE: 'assets.enums.status.passive',
  WAREHOUSE: 'assets.enums.status.warehouse',
  MAINTENANCE: 'assets.enums.status.maintenance',
  PLANNED: 'assets.enums.status.planned',
  DEPLOYED_NOT_STARTED: 'assets.enums.status.deployedNotStarted',
  USED: 'assets.enums.status.used',
};

export const SUBSCRIPTION_TYPE_LABELS: Record<SubscriptionType, string> = {
  INDIVIDUAL: 'assets.enums.subscriptionType.individual',
  ORGANIZATIONAL: 'assets.enums.subscriptionType.organizational',
};

export const COMMUNICATION_MODULE_LABELS: Record<CommunicationModule, string> = {
  INTEGRATED: 'assets.enums.communicationModule.integrated',
  RETROFIT: 'assets.enums.communicationModule.retrofit',
  NONE: 'assets.enums.communicationModule.none',
};

export const VALVE_STATE_LABELS: Record<ValveState, string> = {
  OPEN: 'assets.enums.valveState.open',
  CLOSED: 'assets.enums.valveState.closed',
  UNKNOWN: 'assets.enums.valveState.unknown',
};

export const METER_TYPE_LABELS: Record<MeterType, string> = {
  SINGLE_JET: 'assets.enums.meterType.singleJet',
  MULTI_JET: 'assets.enums.meterType.multiJet',
  WOLTMAN_PARALLEL: 'assets.enums.meterType.woltmanParallel',
  WOLTMAN_VERTICAL: 'assets.enums.meterType.woltmanVertical',
  VOLUMETRIC: 'assets.enums.meterType.volumetric',
  ULTRASONIC: 'assets.enums.meterType.ultrasonic',
  ELECTROMAGNETIC: 'assets.enums.meterType.electromagnetic',
  COMPOUND: 'assets.enums.meterType.compound',
  IRRIGATION: 'assets.enums.meterType.irrigation',
};

export const DIAL_TYPE_LABELS: Record<DialType, string> = {
  SEMI_DRY: 'assets.enums.dialType.semiDry',
  DRY: 'assets.enums.dialType.dry',
  SUPER_DRY: 'assets.enums.dialType.superDry',
  WET: 'assets.enums.dialType.wet',
};

export const TEMPERATURE_TYPE_LABELS: Record<TemperatureType, string> = {
  T30: 'assets.enums.temperatureType.t30',
  T90: 'assets.enums.temperatureType.t90',
};

export const MOUNTING_TYPE_LABELS: Record<MountingType, string> = {
  VERTICAL: 'assets.enums.mountingType.vertical',
  HORIZONTAL: 'assets.enums.mountingType.horizontal',
  BOTH: 'assets.enums.mountingType.both',
};

export const CONNECTION_TYPE_LABELS: Record<ConnectionType, string> = {
  THREAD: 'assets.enums.connectionType.thread',
  FLANGE: 'assets.enums.connectionType.flange',
};

export const ALARM_LABELS: Record<AlarmType, string> = {
  TAMPER: 'assets.enums.alarm.tamper',
  LOW_BATTERY: 'assets.enums.alarm.lowBattery',
  TILT: 'assets.enums.alarm.tilt',
  REVERSE_FLOW: 'assets.enums.alarm.reverseFlow',
  LEAK: 'assets.enums.alarm.leak',
  BURST: 'assets.enums.alarm.burst',
  HIGH_USAGE: 'assets.enums.alarm.highUsage',
  NO_SIGNAL: 'assets.enums.alarm.noSignal',
};

export const INTERVAL_LABELS: Record<ConsumptionInterval, string> = {
  hour: 'assets.chart.interval.hour',
  day: 'assets.chart.interval.day',
  month: 'assets.chart.interval.month',
};

/** A label key for a code the API may extend later; unknown codes are shown as they are. */
export function labelKey<K extends string>(labels: Record<K, string>, code: string | null | undefined): string | null {
  return code && code in labels ? labels[code as K] : null;
}
