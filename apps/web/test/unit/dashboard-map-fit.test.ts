import { describe, expect, it } from 'vitest';
import { shouldFitMarkers } from '../../app/lib/map-fit';

const base = { tenantId: 'hatsu', markersTenantId: 'hatsu', markerCount: 3, fittedTenantId: 'root', keepView: false };

describe('shouldFitMarkers (issue #21: a tenant change frames the new markers)', () => {
  it('fits once the new tenant’s markers have arrived', () => {
    expect(shouldFitMarkers(base)).toBe(true);
  });
  it('waits while the markers still belong to the previous tenant or are loading', () => {
    expect(shouldFitMarkers({ ...base, markersTenantId: 'root' })).toBe(false);
    expect(shouldFitMarkers({ ...base, markersTenantId: null })).toBe(false);
  });
  it('does not fit again on live updates of the same tenant', () => {
    expect(shouldFitMarkers({ ...base, fittedTenantId: 'hatsu' })).toBe(false);
  });
  it('does not fit without markers, without a tenant, or when the view is kept', () => {
    expect(shouldFitMarkers({ ...base, markerCount: 0 })).toBe(false);
    expect(shouldFitMarkers({ ...base, tenantId: null, markersTenantId: null })).toBe(false);
    expect(shouldFitMarkers({ ...base, keepView: true })).toBe(false);
  });
  it('fits the first tenant when nothing was framed yet', () => {
    expect(shouldFitMarkers({ ...base, fittedTenantId: null })).toBe(true);
  });
});
