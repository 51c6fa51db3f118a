import type { ApiFailure } from '~/lib/api-error';
import type { FailureKind } from '~/lib/form-errors';
import { failureKind } from '~/lib/form-errors';

/**
 * The API writes its field messages in English. The ones the asset forms meet most often have words of their
 * own here, which the $api plugin (lib/api-messages.ts) prefers over the generic text of the message's code.
 */
const FIELD_MESSAGES: Record<string, string> = {
  required: 'assets.apiErrors.required',
  'already used for this brand': 'assets.apiErrors.serialTaken',
  'already used in this tenant': 'assets.apiErrors.subscriptionNoTaken',
  'already registered to another device': 'assets.apiErrors.identifierTaken',
  'already registered': 'assets.apiErrors.alreadyRegistered',
  'in the future': 'assets.apiErrors.inFuture',
  'check digits do not match': 'assets.apiErrors.tcIdNo',
  'check digit (Luhn) does not match': 'assets.apiErrors.luhn',
  'not a meter profile allowed for this tenant': 'assets.apiErrors.meterProfileNotAllowed',
  'not a device profile of this tenant': 'assets.apiErrors.deviceProfileNotAllowed',
  'incompatible meter and device profiles': 'assets.apiErrors.incompatible',
  'attached to another meter': 'assets.apiErrors.deviceAttached',
  'already the current meter': 'assets.apiErrors.sameMeter',
  'overlaps the meter’s previous period': 'assets.apiErrors.overlap',
  'before the current meter was fitted': 'assets.apiErrors.beforeCurrent',
  'below the initial index': 'assets.apiErrors.belowInitial',
};

/** The i18n key of a known API field message, else null. */
export function apiMessageKey(message: string): string | null {
  return FIELD_MESSAGES[message.trim()] ?? null;
}

/**
 * The form-level message of a refusal: when the API named fields, those carry the details and the
 * headline says to correct them; otherwise the API's own explanation (conflicts), else a text per kind.
 */
export function assetFailureMessage(failure: ApiFailure | null | undefined, texts: Record<FailureKind, string>): string | null {
  if (!failure) return null;
  const kind = failureKind(failure);
  if ((kind === 'invalid' || kind === 'conflict') && failure.body?.details?.length) return texts.invalid;
  if ((kind === 'conflict' || kind === 'invalid' || kind === 'other') && failure.body?.message) return failure.body.message;
  return texts[kind];
}
