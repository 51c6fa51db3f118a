/**
 * i18n keys of the fixed definition lists (brief section 1), by the codes the API answers. The keys are
 * written out so every key stays static and searchable; the texts live in i18n/locales/{tr,en}/admin.json.
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

/** How an identifier value is written (the API's IDENTIFIER_VALUE_TYPES). */
export const IDENTIFIER_VALUE_TYPES = ['HEX', 'DIGITS', 'TEXT', 'MAC'] as const;
export type IdentifierValueType = (typeof IDENTIFIER_VALUE_TYPES)[number];
/** How a network server reaches the platform (the API's TRANSPORTS). */
export const TRANSPORTS = ['HTTP', 'MQTT', 'API'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const SUBSCRIPTION_TYPE_LABELS: Record<SubscriptionType, string> = {
  INDIVIDUAL: 'definitions.enums.subscriptionType.individual',
  ORGANIZATIONAL: 'definitions.enums.subscriptionType.organizational',
};

export const METER_TYPE_LABELS: Record<MeterType, string> = {
  SINGLE_JET: 'definitions.enums.meterType.singleJet',
  MULTI_JET: 'definitions.enums.meterType.multiJet',
  WOLTMAN_PARALLEL: 'definitions.enums.meterType.woltmanParallel',
  WOLTMAN_VERTICAL: 'definitions.enums.meterType.woltmanVertical',
  VOLUMETRIC: 'definitions.enums.meterType.volumetric',
  ULTRASONIC: 'definitions.enums.meterType.ultrasonic',
  ELECTROMAGNETIC: 'definitions.enums.meterType.electromagnetic',
  COMPOUND: 'definitions.enums.meterType.compound',
  IRRIGATION: 'definitions.enums.meterType.irrigation',
};

export const DIAL_TYPE_LABELS: Record<DialType, string> = {
  SEMI_DRY: 'definitions.enums.dialType.semiDry',
  DRY: 'definitions.enums.dialType.dry',
  SUPER_DRY: 'definitions.enums.dialType.superDry',
  WET: 'definitions.enums.dialType.wet',
};

export const TEMPERATURE_TYPE_LABELS: Record<TemperatureType, string> = {
  T30: 'definitions.enums.temperatureType.t30',
  T90: 'definitions.enums.temperatureType.t90',
};

export const MOUNTING_TYPE_LABELS: Record<MountingType, string> = {
  VERTICAL: 'definitions.enums.mountingType.vertical',
  HORIZONTAL: 'definitions.enums.mountingType.horizontal',
  BOTH: 'definitions.enums.mountingType.both',
};

export const CONNECTION_TYPE_LABELS: Record<ConnectionType, string> = {
  THREAD: 'definitions.enums.connectionType.thread',
  FLANGE: 'definitions.enums.connectionType.flange',
};

/** Meter statuses (1.8) and device statuses (1.9) are one list. */
export const ASSET_STATUS_LABELS: Record<AssetStatus, string> = {
  ACTIVE: 'definitions.enums.assetStatus.active',
  PASSIVE: 'definitions.enums.assetStatus.passive',
  WAREHOUSE: 'definitions.enums.assetStatus.warehouse',
  MAINTENANCE: 'definitions.enums.assetStatus.maintenance',
  PLANNED: 'definitions.enums.assetStatus.planned',
  DEPLOYED_NOT_STARTED: 'definitions.enums.assetStatus.deployedNotStarted',
  USED: 'definitions.enums.assetStatus.used',
};

export const COMMUNICATION_MODULE_LABELS: Record<CommunicationModule, string> = {
  INTEGRATED: 'definitions.enums.communicationModule.integrated',
  RETROFIT: 'definitions.enums.communicationModule.retrofit',
  NONE: 'definitions.enums.communicationModule.none',
};

export const VALVE_STATE_LABELS: Record<ValveState, string> = {
  OPEN: 'definitions.enums.valveState.open',
  CLOSED: 'definitions.enums.valveState.closed',
  UNKNOWN: 'definitions.enums.valveState.unknown',
};

export const ALARM_TYPE_LABELS: Record<AlarmType, string> = {
  TAMPER: 'definitions.enums.alarmType.tamper',
  LOW_BATTERY: 'definitions.enums.alarmType.lowBattery',
  TILT: 'definitions.enums.alarmType.tilt',
  REVERSE_FLOW: 'definitions.enums.alarmType.reverseFlow',
  LEAK: 'definitions.enums.alarmType.leak',
  BURST: 'definitions.enums.alarmType.burst',
  HIGH_USAGE: 'definitions.enums.alarmType.highUsage',
  NO_SIGNAL: 'definitions.enums.alarmType.noSignal',
};

export const IDENTIFIER_VALUE_TYPE_LABELS: Record<IdentifierValueType, string> = {
  HEX: 'definitions.enums.identifierValueType.hex',
  DIGITS: 'definitions.enums.identifierValueType.digits',
  TEXT: 'definitions.enums.identifierValueType.text',
  MAC: 'definitions.enums.identifierValueType.mac',
};

export const TRANSPORT_LABELS: Record<Transport, string> = {
  HTTP: 'definitions.enums.transport.http',
  MQTT: 'definitions.enums.transport.mqtt',
  API: 'definitions.enums.transport.api',
};

/** One fixed list of the brief: its title and its labels by code, in the brief's order. */
export interface FixedList {
  key: string;
  titleKey: string;
  labels: Record<string, string>;
}

export const FIXED_LISTS: readonly FixedList[] = [
  { key: 'subscriptionTypes', titleKey: 'definitions.fixed.subscriptionTypes', labels: SUBSCRIPTION_TYPE_LABELS },
  { key: 'meterTypes', titleKey: 'definitions.fixed.meterTypes', labels: METER_TYPE_LABELS },
  { key: 'dialTypes', titleKey: 'definitions.fixed.dialTypes', labels: DIAL_TYPE_LABELS },
  { key: 'temperatureTypes', titleKey: 'definitions.fixed.temperatureTypes', labels: TEMPERATURE_TYPE_LABELS },
  { key: 'mountingTypes', titleKey: 'definitions.fixed.mountingTypes', labels: MOUNTING_TYPE_LABELS },
  { key: 'connectionTypes', titleKey: 'definitions.fixed.connectionTypes', labels: CONNECTION_TYPE_LABELS },
  { key: 'meterStatuses', titleKey: 'definitions.fixed.meterStatuses', labels: ASSET_STATUS_LABELS },
  { key: 'deviceStatuses', titleKey: 'definitions.fixed.deviceStatuses', labels: ASSET_STATUS_LABELS },
  { key: 'communicationModules', titleKey: 'definitions.fixed.communicationModules', labels: COMMUNICATION_MODULE_LABELS },
  { key: 'valveStates', titleKey: 'definitions.fixed.valveStates', labels: VALVE_STATE_LABELS },
  { key: 'alarmTypes', titleKey: 'definitions.fixed.alarmTypes', labels: ALARM_TYPE_LABELS },
  { key: 'identifierValueTypes', titleKey: 'definitions.fixed.identifierValueTypes', labels: IDENTIFIER_VALUE_TYPE_LABELS },
  { key: 'transports', titleKey: 'definitions.fixed.transports', labels: TRANSPORT_LABELS },
];
