import { ErrorCode, type CloseCode } from '../../../protocol/constants';
import type { ConnectionId, RunId } from '../domain/ids';
import type { ClientFrame, ClientFrameReader } from '../frames/client-frames';
import { errorFrame, type ErrorContext } from '../frames/server-frames';
import type { Logger } from '../logger';
import type { UserContext } from './user-context';

/** Held-back live events of one run while a resume replays it. */
export interface RunEventHold {
  /** Stop holding; send held events with seq > deliveredUpTo (the rest were replayed already). */
  release(deliveredUpTo: number): void;
}

/** What frame handlers can do with the connection that sent the frame. */
export interface FrameSession {
  readonly id: ConnectionId;
  readonly user: UserContext;
  send(frameText: string): void;
  holdRunEvents(runId: RunId): RunEventHold;
  close(code: CloseCode, reason: string): void;
}

/** Handles a valid client frame. */
export interface FrameHandler {
  handle(session: FrameSession, frame: ClientFrame): Promise<void>;
}

/** Handles the text of a client frame, when its turn comes on its connection. */
export interface TextFrameHandler {
  handleText(session: FrameSession, text: string): Promise<void>;
}

/**
 * Reads a client frame, answers a refused one with its error frame (the
 * connection stays open), and hands a valid one to the handler. A handler
 * that fails is answered INTERNAL, naming the frame's ids.
 */
export class ClientFrameDispatcher implements TextFrameHandler {
  constructor(
    private readonly reader: ClientFrameReader,
    private readonly handler: FrameHandler,
    private readonly logger: Logger,
  ) {}

  async handleText(session: FrameSession, text: string): Promise<void> {
    const reading = this.reader.read(text);
    if (!reading.ok) {
      const { code, message, clientMessageId, runId } = reading.rejection;
      return session.send(errorFrame(code, message, { clientMessageId, runId }));
    }
    try {
      await this.handler.handle(session, reading.frame);
    } catch (err) {
      this.logger.error(`handling ${reading.frame.type} failed`, err);
      session.send(errorFrame(ErrorCode.INTERNAL, 'internal error', errorContextOf(reading.frame)));
    }
  }
}

function errorContextOf(frame: ClientFrame): ErrorContext {
  if (frame.type === 'user_message') return { clientMessageId: frame.clientMessageId };
  if (frame.type === 'resume') return { runId: frame.runId };
  return {};
}
