import type { ProfilesDeviceDetail, ProfilesKind, ProfilesMeterDetail } from '~/composables/useProfilesApi';

/** Whether a route parameter names a profile kind (the pages under /profiles/[kind] validate it). */
export function isProfilesKind(value: unknown): value is ProfilesKind {
  return value === 'meter' || value === 'device';
}

/**
 * The profile kind of a /profiles/[kind] page with its texts and links, and the profile of `id` (none
 * for a new one). A page is built again when the kind changes, so the kind is read once.
 */
export function useProfilesKindPage(id: MaybeRefOrGetter<string | null>) {
  const { t } = useI18n();
  const route = useRoute();
  const kind: ProfilesKind = route.params.kind === 'device' ? 'device' : 'meter';
  const { profile, pending, error, refresh } = useProfilesDetail(kind, id);
  const name = computed(() => (profile.value ? `${profile.value.brand.name} ${profile.value.modelCode}` : ''));
  return {
    kind,
    profile,
    pending,
    error,
    refresh,
    name,
    meterProfile: computed(() => (kind === 'meter' ? (profile.value as ProfilesMeterDetail | null) : null)),
    deviceProfile: computed(() => (kind === 'device' ? (profile.value as ProfilesDeviceDetail | null) : null)),
    /** The profiles list, on this kind's tab. */
    listTo: kind === 'device' ? '/profiles?tab=device' : '/profiles',
    title: () => (kind === 'device' ? t('profiles.device.title') : t('profiles.meter.title')),
    createTitle: () => (kind === 'device' ? t('profiles.device.createTitle') : t('profiles.meter.createTitle')),
    editTitle: () =>
      kind === 'device' ? t('profiles.device.editTitle', { name: name.value }) : t('profiles.meter.editTitle', { name: name.value }),
    deleteDescription: () => (kind === 'device' ? t('profiles.delete.deviceDescription') : t('profiles.delete.meterDescription')),
  };
}
