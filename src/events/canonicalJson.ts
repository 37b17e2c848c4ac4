/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no white space, numbers and strings as
 * JSON.stringify writes them (RFC 8785 for the integers and strings this ledger stores). Two documents
 * with the same content always give the same bytes, so their SHA-256 can be compared.
 */
export const canonicalJson = (value: unknown): string => {
  // As JSON.stringify does: a Date (or anything with toJSON) is encoded as what toJSON gives.
  if (typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as canonical JSON`);
    return text;
  }
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
};
