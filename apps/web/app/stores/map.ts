import type { MapStatus } from '@water/shared';
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface MapViewport {
  lat: number;
  lng: number;
  zoom: number;
  /** What the map shows, for its live viewport rooms. */
  bounds?: { south: number; west: number; north: number; east: number };
}

/**
 * Client state of the dashboard map: where the user left it (per tenant, so coming back to the
 * dashboard keeps the view) and which colours the legend hides.
 */
export const useMapStore = defineStore('map', () => {
  const viewports = ref<Record<string, MapViewport>>({});
  const hidden = ref<MapStatus[]>([]);

  function viewportOf(tenantId: string | null): MapViewport | null {
    return tenantId ? (viewports.value[tenantId] ?? null) : null;
  }

  function saveViewport(tenantId: string | null, viewport: MapViewport): void {
    if (tenantId) viewports.value = { ...viewports.value, [tenantId]: viewport };
  }

  function toggleStatus(status: MapStatus): void {
    hidden.value = hidden.value.includes(status) ? hidden.value.filter((s) => s !== status) : [...hidden.value, status];
  }

  /** Shows only one colour, or every colour again when it was already the only one shown. */
  function onlyStatus(status: MapStatus, all: readonly MapStatus[]): void {
    const others = all.filter((s) => s !== status);
    const alreadyOnly = others.every((s) => hidden.value.includes(s)) && !hidden.value.includes(status);
    hidden.value = alreadyOnly ? [] : others;
  }

  return { viewports, hidden, viewportOf, saveViewport, toggleStatus, onlyStatus };
});
