/**
 * What is written on a connection for each frame the server sends: by
 * default exactly that frame. A wrapper may change the text or add frames
 * after it (tracing, a debugging envelope); every server frame passes here —
 * connection_established, answers, live and replayed run events.
 */
export interface OutgoingFrames {
  /** The texts to write, in order, for one server frame. */
  textsFor(frameText: string): readonly string[];
}

export const framesAsSent: OutgoingFrames = { textsFor: (frameText) => [frameText] };
