/**
 * How a text is kept in a PostgreSQL `text` column, which cannot hold U+0000
 * (nor can UTF-8 encode a lone surrogate). Such a text is kept as its JSON
 * string literal, marked `json`; every other text as it is, `plain`. Either
 * way it reads back unchanged (protocol §4: content the backend cannot store
 * as it is is stored and returned unchanged, never answered INTERNAL).
 */
export type TextEncoding = 'plain' | 'json';

export interface StoredText {
  readonly text: string;
  readonly encoding: TextEncoding;
}

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function storedText(value: string): StoredText {
  return value.includes('\u0000') || LONE_SURROGATE.test(value) ? { text: JSON.stringify(value), encoding: 'json' } : { text: value, encoding: 'plain' };
}

export function readStoredText(text: string, encoding: string): string {
  if (encoding !== 'json') return text;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'string') throw new Error(`a stored text marked json is not a JSON string: ${text.slice(0, 80)}`);
  return value;
}
