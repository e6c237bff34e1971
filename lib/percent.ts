/**
 * Percent-decoding of one URL path segment (or a run of them) that never
 * throws: text without `%` is returned as is (no work on the common case),
 * and malformed escapes leave the text unchanged — it then simply matches
 * nothing, where a throw would have to be caught by every caller.
 */
export function decodeSegment(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
