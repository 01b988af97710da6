import { Limits } from '../../../protocol/constants';
import type { ClientFrameReader } from '../frames/client-frames';

/**
 * Planted fault long_content_accepted: a user_message refused by `reader` is
 * read again with its content cut to the limit; when that copy passes, the
 * frame is taken with its whole content.
 */
export function contentLimitLifted(reader: ClientFrameReader): ClientFrameReader {
  return {
    read: (text) => {
      const reading = reader.read(text);
      if (reading.ok) return reading;
      const value = jsonValue(text) as { type?: unknown; data?: { content?: unknown } } | undefined;
      const content = value?.data?.content;
      if (value?.type !== 'user_message' || typeof content !== 'string') return reading;
      const cut = [...content].slice(0, Limits.maxContentCodePoints).join(''); // code points, as the schema counts them
      if (cut === content) return reading;
      const again = reader.read(JSON.stringify({ ...value, data: { ...value.data, content: cut } }));
      return again.ok && again.frame.type === 'user_message' ? { ok: true, frame: { ...again.frame, content } } : reading;
    },
  };
}

/** The JSON value of a text, or undefined when it is not JSON. */
export function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
