/** Translated labels of fixed-list codes (see lib/enum-labels.ts); an unknown code is shown as it is. */
export function useDefinitionsLabels() {
  const { t } = useI18n();
  return {
    label: (labels: Readonly<Record<string, string>>, code: string | null | undefined) =>
      code ? (labels[code] ? t(labels[code]) : code) : '',
    /** Select options of a fixed list, in its order. */
    options: <C extends string>(labels: Readonly<Record<C, string>>) =>
      (Object.keys(labels) as C[]).map((value) => ({ value, label: t(labels[value]) })),
  };
}
