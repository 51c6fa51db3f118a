import type { LiveEvents } from '@water/shared';

export { cellRoom, liveCell, tenantRoom, userRoom, type AlarmEvent, type DeviceStateEvent, type ReadingEvent } from '@water/shared';

/** Socket.io's typed map of the events pushed to the console (payloads defined once in @water/shared). */
export type ServerEvents = { [E in keyof LiveEvents]: (e: LiveEvents[E]) => void };

/** Room of one customer's portal account (issue 19): a portal socket joins this one only, never a tenant's or a user's. */
export const portalRoom = (accountId: string) => `portal:${accountId}`;
