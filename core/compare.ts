/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort()` does
 * without a comparator. `localeCompare` follows the process's locale (LANG,
 * LC_ALL), so two people rendering the same config could get resources,
 * files or hashes in different orders; everything the program or the render
 * sorts uses this instead.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
