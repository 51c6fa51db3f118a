import { z } from 'zod';
import { isValidTaxId } from '@water/shared';
import { createZodDto } from '../../core/http/zod-dto';

const email = z.string().trim().toLowerCase().max(254).email('not a valid email address');
const language = z.enum(['tr', 'en']);
const code = z.string().regex(/^[0-9]{6}$/, 'must be 6 digits');
const challengeId = z.string().uuid({ message: 'must be a UUID' });
/** A new password: at least 10 characters (argon2id takes any length; 200 bounds its work). */
const newPassword = z.string().min(10, 'must be at least 10 characters').max(200);

export const PortalSignupSchema = z
  .object({
    subscriptionNo: z.string().trim().min(1).max(40),
    /** An individual's TC ID No (11 digits) or an organisation's tax number (10 digits), check digits verified. */
    identityNo: z
      .string()
      .trim()
      .regex(/^[0-9]{10,11}$/, 'must be an 11-digit TC ID No or a 10-digit tax number')
      .refine(isValidTaxId, 'check digits do not match'),
    email,
    language: language.optional(),
  })
  .strict();
export class PortalSignupDto extends createZodDto(PortalSignupSchema) {}

export const PortalChallengeSchema = z.object({ challengeId: z.string().uuid(), expiresAt: z.string().datetime() });
export class PortalChallengeDto extends createZodDto(PortalChallengeSchema) {}

export const PortalSignupVerifySchema = z
  .object({
    challengeId,
    code,
    password: newPassword,
    acceptPrivacyNotice: z.literal(true, { message: 'the privacy notice must be accepted' }),
    privacyNoticeVersion: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,20}$/, 'must be a version like 2026-01 or v1'),
    /** The account's language (e-mails, notifications); Turkish unless given. */
    language: language.optional(),
  })
  .strict();
export class PortalSignupVerifyDto extends createZodDto(PortalSignupVerifySchema) {}

export const PortalLoginSchema = z.object({ email, password: z.string().min(1).max(200) }).strict();
export class PortalLoginDto extends createZodDto(PortalLoginSchema) {}

export const PortalRefreshSchema = z.object({ refreshToken: z.string().min(20).max(200) }).strict();
export class PortalRefreshDto extends createZodDto(PortalRefreshSchema) {}

export const PortalPasswordResetSchema = z.object({ email }).strict();
export class PortalPasswordResetDto extends createZodDto(PortalPasswordResetSchema) {}

export const PortalPasswordResetVerifySchema = z.object({ challengeId, code, password: newPassword }).strict();
export class PortalPasswordResetVerifyDto extends createZodDto(PortalPasswordResetVerifySchema) {}

export const PortalChangePasswordSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword }).strict();
export class PortalChangePasswordDto extends createZodDto(PortalChangePasswordSchema) {}

export const PortalInvitationInputSchema = z.object({ email, language: language.optional() }).strict();
export class PortalInvitationInputDto extends createZodDto(PortalInvitationInputSchema) {}

const emailStatus = z.enum(['QUEUED', 'SENT', 'FAILED']);

export const PortalInvitationSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  expiresAt: z.string().datetime(),
  emailStatus,
});
export class PortalInvitationDto extends createZodDto(PortalInvitationSchema) {}

export const PortalAccountStateSchema = z.object({
  account: z
    .object({
      id: z.string().uuid(),
      email: z.string(),
      isActive: z.boolean(),
      language: language,
      createdAt: z.string().datetime(),
      lastLoginAt: z.string().datetime().nullable(),
    })
    .nullable(),
  invitations: z.array(
    z.object({
      id: z.string().uuid(),
      email: z.string(),
      createdAt: z.string().datetime(),
      expiresAt: z.string().datetime(),
      usedAt: z.string().datetime().nullable(),
      emailStatus,
      emailReason: z.string().nullable(),
    }),
  ),
});
export class PortalAccountStateDto extends createZodDto(PortalAccountStateSchema) {}

type EmailStatus = z.infer<typeof emailStatus>;
/** SUPPRESSED is not a challenge's state (CHECK in migration 0028); anything else reads as FAILED. */
const statusOf = (s: string): EmailStatus => (s === 'QUEUED' || s === 'SENT' ? s : 'FAILED');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function mapPortalAccountState(
  account: { id: string; email: string; isActive: boolean; language: string; createdAt: Date; lastLoginAt: Date | null } | null,
  invitations: {
    id: string;
    email: string;
    createdAt: Date;
    expiresAt: Date;
    usedAt: Date | null;
    emailStatus: string;
    emailReason: string | null;
  }[],
): z.infer<typeof PortalAccountStateSchema> {
  return {
    account: account && {
      id: account.id,
      email: account.email,
      isActive: account.isActive,
      language: account.language === 'en' ? 'en' : 'tr',
      createdAt: account.createdAt.toISOString(),
      lastLoginAt: iso(account.lastLoginAt),
    },
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      createdAt: i.createdAt.toISOString(),
      expiresAt: i.expiresAt.toISOString(),
      usedAt: iso(i.usedAt),
      emailStatus: statusOf(i.emailStatus),
      emailReason: i.emailReason,
    })),
  };
}
