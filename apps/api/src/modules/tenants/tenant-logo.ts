import PDFDocument from 'pdfkit';

/** Largest logo kept (the database checks it too, migration 0027). */
export const MAX_LOGO_BYTES = 256 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type by its magic numbers (never by the name or the declared type), or null. */
export function logoType(bytes: Buffer): LogoType | null {
  if (bytes.subarray(0, 8).equals(PNG)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/**
 * Whether the invoice renderer (pdfkit) can draw the image: a logo that passes the magic numbers but
 * cannot be decoded would otherwise fail every PDF of the tenant later. Draws it into a throwaway document.
 */
export async function isDrawable(bytes: Buffer): Promise<boolean> {
  try {
    const doc = new PDFDocument({ size: [50, 50], margin: 0 });
    const ended = new Promise<void>((resolve, reject) => {
      doc.on('data', () => undefined);
      doc.on('end', resolve);
      doc.on('error', reject);
    });
    doc.image(bytes, 0, 0, { fit: [40, 40] });
    doc.end();
    await ended;
    return true;
  } catch {
    return false;
  }
}
