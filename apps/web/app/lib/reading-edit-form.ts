import { formatDateTimeInput, parseDateTimeInput } from '~/lib/date-input';
import { hasAtMostDecimals, numberText, parseDecimal } from '~/lib/number-input';

/**
 * The operator's reading form on a meter's page (issue 17): a manual reading (field visit) or the
 * correction of a stored one. A reason is always required; a photo of the register may go with it.
 */
export type ReadingEditMode = 'enter' | 'correct';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
/** The API takes at most 512 KiB of image. */
export const MAX_PHOTO_BYTES = 512 * 1024;
const MAX_INDEX_M3 = 99_999_999_999;

export interface ReadingPhoto {
  name: string;
  size: number;
  contentType: string;
  /** The image, base64 (without the data: prefix). */
  dataBase64: string;
}

export interface ReadingEditValues {
  /** DD.MM.YYYY HH:mm:ss in the meter's zone (a manual reading only: a correction keeps its time). */
  time: string;
  /** m³ as typed (comma or point). */
  index: string;
  reason: string;
  photo: ReadingPhoto | null;
}

export type ReadingEditField = 'time' | 'index' | 'reason' | 'photo';

export function emptyReadingEdit(now: Date, timeZone: string): ReadingEditValues {
  return { time: formatDateTimeInput(now, timeZone), index: '', reason: '', photo: null };
}

/** A correction starts from the stored index. */
export function readingEditFrom(reading: { time: string; indexM3: number }, timeZone: string): ReadingEditValues {
  return { time: formatDateTimeInput(reading.time, timeZone), index: numberText(reading.indexM3), reason: '', photo: null };
}

/** An uploaded file's data: URL as the API wants it; null when it is not an image the API takes. */
export function photoFromDataUrl(dataUrl: string, name: string, size: number): ReadingPhoto | null {
  const match = /^data:([^;,]+);base64,(.*)$/.exec(dataUrl);
  if (!match) return null;
  return { name, size, contentType: match[1]!, dataBase64: match[2]! };
}

/** i18n keys of the problems by field. */
export function validateReadingEdit(
  values: ReadingEditValues,
  mode: ReadingEditMode,
  timeZone: string,
  now: Date = new Date(),
): Partial<Record<ReadingEditField, string>> {
  const errors: Partial<Record<ReadingEditField, string>> = {};
  if (mode === 'enter') {
    const time = parseDateTimeInput(values.time, timeZone);
    if (!values.time.trim()) errors.time = 'meterData.edit.errors.timeRequired';
    else if (!time.ok) errors.time = 'meterData.edit.errors.timeFormat';
    else if (time.date.getTime() > now.getTime() + 10 * 60_000) errors.time = 'meterData.edit.errors.timeFuture';
  }
  const index = parseDecimal(values.index);
  if (index === null) errors.index = 'meterData.edit.errors.indexRequired';
  else if (Number.isNaN(index)) errors.index = 'meterData.edit.errors.indexNumber';
  else if (index < 0 || index > MAX_INDEX_M3) errors.index = 'meterData.edit.errors.indexRange';
  else if (!hasAtMostDecimals(index, 3)) errors.index = 'meterData.edit.errors.indexDecimals';
  const reason = values.reason.trim();
  if (!reason) errors.reason = 'meterData.edit.errors.reasonRequired';
  else if (reason.length < 3) errors.reason = 'meterData.edit.errors.reasonShort';
  else if (reason.length > 500) errors.reason = 'meterData.edit.errors.reasonLong';
  if (values.photo) {
    if (!(PHOTO_TYPES as readonly string[]).includes(values.photo.contentType)) errors.photo = 'meterData.edit.errors.photoType';
    else if (values.photo.size > MAX_PHOTO_BYTES) errors.photo = 'meterData.edit.errors.photoSize';
  }
  return errors;
}

export interface ManualReadingBody {
  time: string;
  indexM3: number;
  reason: string;
  photo?: { contentType: PhotoType; dataBase64: string };
}
export type CorrectReadingBody = Omit<ManualReadingBody, 'time'>;

/** The API body of valid values: POST /api/meters/:id/readings or PATCH /api/meters/:id/readings/:time. */
export function readingEditPayload(values: ReadingEditValues, mode: 'enter', timeZone: string): ManualReadingBody;
export function readingEditPayload(values: ReadingEditValues, mode: 'correct', timeZone: string): CorrectReadingBody;
export function readingEditPayload(
  values: ReadingEditValues,
  mode: ReadingEditMode,
  timeZone: string,
): ManualReadingBody | CorrectReadingBody {
  const body: CorrectReadingBody = { indexM3: parseDecimal(values.index) ?? 0, reason: values.reason.trim() };
  if (values.photo) body.photo = { contentType: values.photo.contentType as PhotoType, dataBase64: values.photo.dataBase64 };
  if (mode === 'correct') return body;
  const time = parseDateTimeInput(values.time, timeZone);
  return { time: time.ok ? time.iso : values.time, ...body };
}
