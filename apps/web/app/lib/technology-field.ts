/**
 * What is wrong with a validation pattern of an identifier field, as the API judges it: it must be
 * anchored (start with ^, end with an unescaped $) and compile as a JavaScript RegExp.
 */
export function identifierRegexIssue(pattern: string): 'anchors' | 'invalid' | null {
  if (pattern.length < 2 || !pattern.startsWith('^') || !pattern.endsWith('$') || /(^|[^\\])(\\\\)*\\\$$/.test(pattern)) return 'anchors';
  try {
    new RegExp(pattern);
  } catch {
    return 'invalid';
  }
  return null;
}
