/**
 * Machine-readable reasons the API gives beside its English `message` (issue 21: no English on Turkish pages).
 * An error body, and each of its `details`, may carry `code` and `params`; the console shows the text of
 * `apiErrors.<code>` in the page's language and falls back to the English message for a reason without a code.
 * Integrators can branch on `code`; the English `message` stays for people reading logs.
 */
export const API_ERROR_CODES = [
  // Request validation (the API's schemas).
  'required',
  'tooLong',
  'tooShort',
  'tooLarge',
  'tooSmall',
  'tooMany',
  'tooFew',
  'notOneOf',
  'badFormat',
  'wrongType',
  'unknownField',
  'rangeOrder',
  'checkDigits',
  'duplicate',
  'inFuture',
  'notOfTenant',
  'unknownRef',
  'wrongPassword',
  // Rules of the stored data.
  'alreadyExists',
  'inUse',
  'changedMeanwhile',
  'alreadyDone',
  'hasHistory',
  'attachedElsewhere',
  'notAttached',
  'rootTenant',
  'lastMembership',
  'contactKept',
  // Billing, payments, dunning, imports and ingest.
  'tariffInForce',
  'versionFixed',
  'versionInForce',
  'storedValuesRejected',
  'wrongState',
  'paidMeanwhile',
  'fileExpired',
  'noDecoder',
  'periodIssued',
  'runFailed',
  'notReady',
  'nothingToReissue',
  'creditNoteFixed',
  'draftNotCancelled',
  'readingExists',
  'alreadyImported',
  'refundOfRefund',
  'notPayable',
  'invoiceCancelled',
  'invoiceDraft',
  'overlaps',
  'final',
  'referenced',
  'breaksRule',
  'invalidValue',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Values a reason's text names: a limit, a list of allowed values, or counts per kind of record (`inUse`). */
export type ApiErrorParams = Record<string, string | number>;

export interface ApiErrorReason {
  code: ApiErrorCode;
  params?: ApiErrorParams;
}

/**
 * What `inUse` counts, by the param keys the API sends: `{ device: 3, meter: 1 }` reads "3 devices and 1 meter".
 * The console has a noun for each (apiErrors.nouns.<key>).
 */
export const IN_USE_NOUNS = [
  'meter',
  'device',
  'subscription',
  'customer',
  'contact',
  'tenant',
  'childTenant',
  'meterProfile',
  'deviceProfile',
  'messageScenario',
  'deviceIdentifier',
] as const;
export type InUseNoun = (typeof IN_USE_NOUNS)[number];
