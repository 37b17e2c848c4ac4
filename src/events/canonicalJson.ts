/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no white space, numbers and strings as
 * JSON.stringify writes them (RFC 8785 for the integers and strings this ledger stores). Two documents
 * with the same content always give the same bytes, so their SHA-256 can be compared.
 *
 * Written as loops over concatenated text: every appended event and every idempotent request goes through it.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as canonical JSON`);
    return text;
  }
  // As JSON.stringify does: a Date (or anything with toJSON) is encoded as what toJSON gives.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      text += `${index === 0 ? '' : ','}${item === undefined ? 'null' : canonicalJson(item)}`;
    }
    return `${text}]`;
  }
  const members = value as Record<string, unknown>;
  // sort() without a comparer orders strings by UTF-16 code units.
  const keys = Object.keys(members).sort();
  let text = '{';
  for (const key of keys) {
    const item = members[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
};
