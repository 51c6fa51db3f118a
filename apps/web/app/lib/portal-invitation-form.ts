import { computed, reactive } from 'vue';
import { looksLikeEmail } from '~/lib/email-shape';

/** The operator's invitation of a customer to the portal: the address the code goes to, and its language. */
export interface InvitationValues {
  email: string;
  language: 'tr' | 'en';
}

/** The customer's own addresses on file, the first one suggested. */
export function invitationValues(addresses: readonly (string | null | undefined)[], language: 'tr' | 'en' = 'tr'): InvitationValues {
  return { email: addresses.find((a) => a && looksLikeEmail(a.trim()))?.trim() ?? '', language };
}

/** i18n keys of the problems, by field. */
export function validateInvitation(v: InvitationValues): Partial<Record<'email', string>> {
  const email = v.email.trim();
  if (!email) return { email: 'notifications.portalAccount.emailRequired' };
  if (!looksLikeEmail(email) || email.length > 254) return { email: 'notifications.portalAccount.emailInvalid' };
  return {};
}

export function invitationPayload(v: InvitationValues) {
  return { email: v.email.trim().toLowerCase(), language: v.language };
}

/** What the card says of an invitation's e-mail: on its way, sent, failed (with the reason), used or expired. */
export type InvitationState = 'USED' | 'EXPIRED' | 'QUEUED' | 'SENT' | 'FAILED';
export function invitationState(i: { usedAt: string | null; expiresAt: string; emailStatus: string }, now = Date.now()): InvitationState {
  if (i.usedAt) return 'USED';
  if (i.emailStatus === 'FAILED') return 'FAILED';
  if (Date.parse(i.expiresAt) <= now) return 'EXPIRED';
  return i.emailStatus === 'SENT' ? 'SENT' : 'QUEUED';
}

export function createInvitationForm(initial: InvitationValues) {
  const values = reactive({ ...initial });
  const issues = computed(() => validateInvitation(values));
  return { values, issues, valid: computed(() => !issues.value.email), payload: () => invitationPayload(values) };
}
