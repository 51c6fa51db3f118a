/** The lists the API exports (GET /api/exports/{list}) with the list's own filters. */
export const EXPORT_LISTS = ['readings', 'meters', 'devices', 'customers', 'subscriptions', 'alarms'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];
/** A consumption table's export: GET /api/exports/consumption/{meters|subscriptions|customers}/:id. */
export type ConsumptionExport = `consumption/${'meters' | 'subscriptions' | 'customers'}/${string}`;

export function consumptionExport(owner: 'meters' | 'subscriptions' | 'customers', id: string): ConsumptionExport {
  return `consumption/${owner}/${encodeURIComponent(id)}`;
}
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Paging is the screen's, not the file's: an export holds every row of the filter. */
const NOT_EXPORTED = new Set(['page', 'pageSize', 'until']);

/**
 * The export link of a list as filtered on screen: a plain URL through the console's proxy (the session
 * cookie applies, and the browser downloads the streamed file itself).
 */
export type ExportQueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

export function exportHref(
  list: ExportList | ConsumptionExport,
  query: Readonly<Record<string, ExportQueryValue>>,
  format: ExportFormat,
  locale: string,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (NOT_EXPORTED.has(key) || value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.set(key, String(value));
  }
  params.set('format', format);
  params.set('locale', locale === 'en' ? 'en' : 'tr');
  return `/api/exports/${list}?${params.toString()}`;
}
