/** Fixed definition lists of the brief (section 1). Labels live in the web console's i18n files. */
export const SUBSCRIPTION_TYPES = ['INDIVIDUAL', 'ORGANIZATIONAL'] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

export const METER_TYPES = [
  'SINGLE_JET',
  'MULTI_JET',
  'WOLTMAN_PARALLEL',
  'WOLTMAN_VERTICAL',
  'VOLUMETRIC',
  'ULTRASONIC',
  'ELECTROMAGNETIC',
  'COMPOUND',
  'IRRIGATION',
] as const;
export type MeterType = (typeof METER_TYPES)[number];

export const DIAL_TYPES = ['SEMI_DRY', 'DRY', 'SUPER_DRY', 'WET'] as const;
export type DialType = (typeof DIAL_TYPES)[number];

export const TEMPERATURE_TYPES = ['T30', 'T90'] as const;
export type TemperatureType = (typeof TEMPERATURE_TYPES)[number];

export const MOUNTING_TYPES = ['VERTICAL', 'HORIZONTAL', 'BOTH'] as const;
export type MountingType = (typeof MOUNTING_TYPES)[number];

export const CONNECTION_TYPES = ['THREAD', 'FLANGE'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** Meter statuses (1.8) and device statuses (1.9) are the same list. */
export const ASSET_STATUSES = ['ACTIVE', 'PASSIVE', 'WAREHOUSE', 'MAINTENANCE', 'PLANNED', 'DEPLOYED_NOT_STARTED', 'USED'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];
/** Statuses the dashboard lists as "out of service". */
export const OUT_OF_SERVICE_STATUSES: readonly AssetStatus[] = [
  'PASSIVE',
  'WAREHOUSE',
  'MAINTENANCE',
  'PLANNED',
  'DEPLOYED_NOT_STARTED',
  'USED',
];

export const COMMUNICATION_MODULES = ['INTEGRATED', 'RETROFIT', 'NONE'] as const;
export type CommunicationModule = (typeof COMMUNICATION_MODULES)[number];

export const VALVE_STATES = ['OPEN', 'CLOSED', 'UNKNOWN'] as const;
export type ValveState = (typeof VALVE_STATES)[number];

export const ALARM_TYPES = ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST', 'HIGH_USAGE', 'NO_SIGNAL'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];
/** Alarms that paint a map marker red (BRIEF-NOTES: map colours). */
export const RED_ALARM_TYPES: readonly AlarmType[] = ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST'];

/** Map marker colours in priority order: red over orange over grey over green. */
/** Map colours in priority order; NO_DEVICE (no meter, or a meter without a device) is drawn grey but counted apart from GREY (no signal). */
export const MAP_STATUSES = ['RED', 'ORANGE', 'GREY', 'NO_DEVICE', 'GREEN'] as const;
export type MapStatus = (typeof MAP_STATUSES)[number];

/** Bucket sizes of consumption history. */
export const CONSUMPTION_INTERVALS = ['hour', 'day', 'month'] as const;
export type ConsumptionInterval = (typeof CONSUMPTION_INTERVALS)[number];
/** Widest range per bucket size (a year of hours is 8,784 buckets at most), so a chart never asks for millions. */
export const MAX_RANGE_DAYS: Record<ConsumptionInterval, number> = { hour: 366, day: 1_100, month: 3_660 };
