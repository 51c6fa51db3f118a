/**
 * When the dashboard map frames its markers (issue #21): once per tenant, when that tenant's markers
 * have arrived; never for markers still belonging to the previous tenant, never again on live updates,
 * and not when the map keeps a view (a saved viewport on first opening, or the user moved it).
 */
export interface MapFitState {
  /** The tenant the map shows. */
  tenantId: string | null;
  /** The tenant the loaded markers belong to (null while none are loaded). */
  markersTenantId: string | null;
  markerCount: number;
  /** The tenant last framed (null: none yet). */
  fittedTenantId: string | null;
  /** The map keeps its current view (a restored viewport, or the user panned or zoomed). */
  keepView: boolean;
}

export function shouldFitMarkers(s: MapFitState): boolean {
  if (!s.tenantId || s.markersTenantId !== s.tenantId) return false;
  if (s.markerCount === 0) return false;
  if (s.fittedTenantId === s.tenantId) return false;
  return !s.keepView;
}
