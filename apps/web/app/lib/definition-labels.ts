/** The brief's fixed lists (section 1) as the definitions page shows them; their labels are lib/enum-labels.ts'. */
import {
  ALARM_TYPE_LABELS,
  COMMUNICATION_MODULE_LABELS,
  CONNECTION_TYPE_LABELS,
  DIAL_TYPE_LABELS,
  IDENTIFIER_VALUE_TYPE_LABELS,
  METER_TYPE_LABELS,
  MOUNTING_TYPE_LABELS,
  STATUS_LABELS,
  SUBSCRIPTION_TYPE_LABELS,
  TEMPERATURE_TYPE_LABELS,
  TRANSPORT_LABELS,
  VALVE_STATE_LABELS,
} from '~/lib/enum-labels';

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
  { key: 'meterStatuses', titleKey: 'definitions.fixed.meterStatuses', labels: STATUS_LABELS },
  { key: 'deviceStatuses', titleKey: 'definitions.fixed.deviceStatuses', labels: STATUS_LABELS },
  { key: 'communicationModules', titleKey: 'definitions.fixed.communicationModules', labels: COMMUNICATION_MODULE_LABELS },
  { key: 'valveStates', titleKey: 'definitions.fixed.valveStates', labels: VALVE_STATE_LABELS },
  { key: 'alarmTypes', titleKey: 'definitions.fixed.alarmTypes', labels: ALARM_TYPE_LABELS },
  { key: 'identifierValueTypes', titleKey: 'definitions.fixed.identifierValueTypes', labels: IDENTIFIER_VALUE_TYPE_LABELS },
  { key: 'transports', titleKey: 'definitions.fixed.transports', labels: TRANSPORT_LABELS },
];
