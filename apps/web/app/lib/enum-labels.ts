/**
 * i18n keys (`enums.*` in i18n/locales/{tr,en}/assets.json) of the fixed codes the console shows: the
 * brief's lists of section 1, as the asset pages, the definitions and the profiles all name them. Written
 * out so every key stays static and searchable; one text per code wherever it appears.
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

/** How an identifier value is written (the API's IDENTIFIER_VALUE_TYPES). */
export const IDENTIFIER_VALUE_TYPES = ['HEX', 'DIGITS', 'TEXT', 'MAC'] as const;
export type IdentifierValueType = (typeof IDENTIFIER_VALUE_TYPES)[number];
/** How a network server reaches the platform (the API's TRANSPORTS). */
export const TRANSPORTS = ['HTTP', 'MQTT', 'API'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** Meter statuses (1.8) and device statuses (1.9) are one list. */
export const STATUS_LABELS: Record<AssetStatus, string> = {
  ACTIVE: 'enums.status.active',
  PASSIVE: 'enums.status.passive',
  WAREHOUSE: 'enums.status.warehouse',
  MAINTENANCE: 'enums.status.maintenance',
  PLANNED: 'enums.status.planned',
  DEPLOYED_NOT_STARTED: 'enums.status.deployedNotStarted',
  USED: 'enums.status.used',
};

export const SUBSCRIPTION_TYPE_LABELS: Record<SubscriptionType, string> = {
  INDIVIDUAL: 'enums.subscriptionType.individual',
  ORGANIZATIONAL: 'enums.subscriptionType.organizational',
};

export const COMMUNICATION_MODULE_LABELS: Record<CommunicationModule, string> = {
  INTEGRATED: 'enums.communicationModule.integrated',
  RETROFIT: 'enums.communicationModule.retrofit',
  NONE: 'enums.communicationModule.none',
};

export const VALVE_STATE_LABELS: Record<ValveState, string> = {
  OPEN: 'enums.valveState.open',
  CLOSED: 'enums.valveState.closed',
  UNKNOWN: 'enums.valveState.unknown',
};

export const METER_TYPE_LABELS: Record<MeterType, string> = {
  SINGLE_JET: 'enums.meterType.singleJet',
  MULTI_JET: 'enums.meterType.multiJet',
  WOLTMAN_PARALLEL: 'enums.meterType.woltmanParallel',
  WOLTMAN_VERTICAL: 'enums.meterType.woltmanVertical',
  VOLUMETRIC: 'enums.meterType.volumetric',
  ULTRASONIC: 'enums.meterType.ultrasonic',
  ELECTROMAGNETIC: 'enums.meterType.electromagnetic',
  COMPOUND: 'enums.meterType.compound',
  IRRIGATION: 'enums.meterType.irrigation',
};

export const DIAL_TYPE_LABELS: Record<DialType, string> = {
  SEMI_DRY: 'enums.dialType.semiDry',
  DRY: 'enums.dialType.dry',
  SUPER_DRY: 'enums.dialType.superDry',
  WET: 'enums.dialType.wet',
};

export const TEMPERATURE_TYPE_LABELS: Record<TemperatureType, string> = {
  T30: 'enums.temperatureType.t30',
  T90: 'enums.temperatureType.t90',
};

export const MOUNTING_TYPE_LABELS: Record<MountingType, string> = {
  VERTICAL: 'enums.mountingType.vertical',
  HORIZONTAL: 'enums.mountingType.horizontal',
  BOTH: 'enums.mountingType.both',
};

export const CONNECTION_TYPE_LABELS: Record<ConnectionType, string> = {
  THREAD: 'enums.connectionType.thread',
  FLANGE: 'enums.connectionType.flange',
};

export const ALARM_TYPE_LABELS: Record<AlarmType, string> = {
  TAMPER: 'enums.alarmType.tamper',
  LOW_BATTERY: 'enums.alarmType.lowBattery',
  TILT: 'enums.alarmType.tilt',
  REVERSE_FLOW: 'enums.alarmType.reverseFlow',
  LEAK: 'enums.alarmType.leak',
  BURST: 'enums.alarmType.burst',
  HIGH_USAGE: 'enums.alarmType.highUsage',
  NO_SIGNAL: 'enums.alarmType.noSignal',
};

export const IDENTIFIER_VALUE_TYPE_LABELS: Record<IdentifierValueType, string> = {
  HEX: 'enums.identifierValueType.hex',
  DIGITS: 'enums.identifierValueType.digits',
  TEXT: 'enums.identifierValueType.text',
  MAC: 'enums.identifierValueType.mac',
};

export const TRANSPORT_LABELS: Record<Transport, string> = {
  HTTP: 'enums.transport.http',
  MQTT: 'enums.transport.mqtt',
  API: 'enums.transport.api',
};

export const INTERVAL_LABELS: Record<ConsumptionInterval, string> = {
  hour: 'assets.chart.interval.hour',
  day: 'assets.chart.interval.day',
  month: 'assets.chart.interval.month',
};

/** Every label map by the name of its list, for enumLabel(). */
export const ENUM_LABELS = {
  status: STATUS_LABELS,
  subscriptionType: SUBSCRIPTION_TYPE_LABELS,
  communicationModule: COMMUNICATION_MODULE_LABELS,
  valveState: VALVE_STATE_LABELS,
  meterType: METER_TYPE_LABELS,
  dialType: DIAL_TYPE_LABELS,
  temperatureType: TEMPERATURE_TYPE_LABELS,
  mountingType: MOUNTING_TYPE_LABELS,
  connectionType: CONNECTION_TYPE_LABELS,
  alarmType: ALARM_TYPE_LABELS,
  identifierValueType: IDENTIFIER_VALUE_TYPE_LABELS,
  transport: TRANSPORT_LABELS,
  interval: INTERVAL_LABELS,
} as const;
export type EnumGroup = keyof typeof ENUM_LABELS;

/** A label key for a code the API may extend later; unknown codes are shown as they are. */
export function labelKey<K extends string>(labels: Record<K, string>, code: string | null | undefined): string | null {
  return code && code in labels ? labels[code as K] : null;
}

/** The text of a code of one list: translated when known, the code itself when not, a dash when missing. */
export function enumLabel(t: (key: string) => string, group: EnumGroup, code: string | null | undefined): string {
  const key = labelKey(ENUM_LABELS[group] as Record<string, string>, code);
  return key ? t(key) : (code ?? '—');
}
