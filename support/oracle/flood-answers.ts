import { frameData, frameType, type ReceivedFrame } from '../domain/frames';
import { describeValue } from '../domain/json';

/** How a burst of pings was answered (PROTOCOL §8): pongs, RATE_LIMITED errors, and any other error. */
export function floodAnswers(frames: readonly ReceivedFrame[], nonces: ReadonlySet<string>): { pongs: number; limited: ReceivedFrame[]; otherErrors: string[] } {
  const pongs = frames.filter((frame) => frameType(frame) === 'pong' && nonces.has(String(frameData(frame).nonce))).length;
  const errors = frames.filter((frame) => frameType(frame) === 'error');
  const limited = errors.filter((frame) => frameData(frame).code === 'RATE_LIMITED');
  return { pongs, limited, otherErrors: errors.filter((frame) => frameData(frame).code !== 'RATE_LIMITED').map((frame) => describeValue(frameData(frame).code)) };
}
