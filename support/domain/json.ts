/** JSON as the suite reads it from a backend: never trusted to parse, never trusted to be typed. */

/** The parsed value, or undefined when `text` is not JSON (whoever expected JSON reports it). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The same JSON value: key order and whitespace are free (PROTOCOL §5, repeated copies after a resume). */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJsonValue(item, b[index]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJsonValue(a[key], b[key]));
}

/** A value from a backend in a message; never throws, whatever the value. */
export const describeValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined');

/** At most `max` characters of a text, quoted. */
export const excerpt = (text: string, max = 100): string => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
