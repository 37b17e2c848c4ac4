/**
 * Event data and metadata as stored JSON text. JSON.stringify gives undefined for undefined and functions,
 * and throws on bigint: refuse those, as a durable store would, rather than store no data.
 */
export const toEventJson = (value: unknown): string => {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`not a JSON value: ${String(value)}`);
  return json;
};
