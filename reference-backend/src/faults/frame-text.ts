/** Reading the text of frames, for wrappers that look at what goes in or out. */

/** The JSON value of a text, or undefined when the text is not JSON (a JSON text never parses to undefined). */
export function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The code of an `error` frame, or undefined for any other frame. */
export function errorCodeOf(frameText: string): string | undefined {
  const frame = jsonValue(frameText) as { type?: unknown; data?: { code?: unknown } } | undefined;
  return frame?.type === 'error' && typeof frame.data?.code === 'string' ? frame.data.code : undefined;
}
