import { CloseCode } from '../../../protocol/constants';

/**
 * What a draining instance refuses (protocol §1: on SIGTERM it stops
 * accepting connections, answers a user_message with SERVICE_UNAVAILABLE,
 * and lets the runs in flight finish). By default, everything new.
 */
export interface DrainGate {
  /** The listening socket is closed when the drain begins: a new TCP connection is refused. */
  readonly closesListener: boolean;
  /** A WebSocket handshake that reaches the server during the drain is refused before the upgrade. */
  readonly refusesHandshakes: boolean;
  /** A user_message during the drain is answered SERVICE_UNAVAILABLE. */
  readonly refusesQuestions: boolean;
  /** The close code every WebSocket gets once the runs are done (§9: 1001, going away). */
  readonly goodbyeCode: CloseCode;
}

export const PROTOCOL_DRAIN: DrainGate = { closesListener: true, refusesHandshakes: true, refusesQuestions: true, goodbyeCode: CloseCode.GoingAway };

/** The runs' part of a drain (runs/run-manager.ts). */
export interface RunDrain {
  /** Waits until the runs in flight have finished, or `graceMs` passed. */
  settle(graceMs: number): Promise<void>;
  /** Ends every run still going with an error agent_completed, and waits (bounded) until they have announced it. */
  abortRemaining(): Promise<void>;
}
