import { CloseCode, Limits } from '../../../protocol/constants';
import { rawDataByteLength } from '../connection/connection-policy';
import type { ClientFrameReader } from '../frames/client-frames';
import { policyWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';
import { jsonValue } from './frame-text';

/** Faults of the area hostile_input: limits and bad input (protocol §8). */

/** oversize_1011: ws's own limit, far above the protocol's, so that the connection can close with 1011 itself. */
const OVERSIZE_FAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * long_content_accepted: a user_message refused by `reader` is read again
 * with its content cut to the limit; when that copy passes, the frame is
 * taken with its whole content.
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
      if (cut === content) return reading; // the content was not what is wrong
      const again = reader.read(JSON.stringify({ ...value, data: { ...value.data, content: cut } }));
      return again.ok && again.frame.type === 'user_message' ? { ok: true, frame: { ...again.frame, content } } : reading;
    },
  };
}

export const HOSTILE_INPUT_FAULTS = {
  malformed_json_closes: () => ({
    textFrameHandler: (handler) => ({
      handleText: async (session, text) => {
        if (jsonValue(text) === undefined) return session.close(CloseCode.InternalError, 'bad frame');
        await handler.handleText(session, text);
      },
    }),
  }),

  // Text that is not JSON is answered as it must be, then the connection is closed as a "policy violation".
  error_then_close: () => ({
    textFrameHandler: (handler) => ({
      handleText: async (session, text) => {
        await handler.handleText(session, text);
        if (jsonValue(text) === undefined) session.close(CloseCode.PolicyViolation, 'invalid frames are not tolerated');
      },
    }),
  }),

  no_rate_limit: () => ({
    connectionPolicy: (policy) => policyWith(policy, { rateLimiter: () => ({ tryAcquire: () => ({ allowed: true }) }) }),
  }),

  oversize_1011: () => ({
    connectionPolicy: (policy) =>
      policyWith(policy, {
        maxMessageBytes: OVERSIZE_FAULT_MAX_PAYLOAD,
        onArrival: (frame, intake) => {
          if (rawDataByteLength(frame.data) > Limits.maxMessageBytes) return intake.closeNow(CloseCode.InternalError, 'message too big');
          policy.onArrival(frame, intake);
        },
      }),
  }),

  binary_accepted: () => ({
    connectionPolicy: (policy) => policyWith(policy, { onArrival: (frame, intake) => policy.onArrival({ ...frame, isBinary: false }, intake) }),
  }),

  long_content_accepted: () => ({ clientFrameReader: (reader) => contentLimitLifted(reader) }),
} satisfies Record<string, FaultWrapper>;
