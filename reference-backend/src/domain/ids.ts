import { randomUUID } from 'node:crypto';
import { USER_ID_PATTERN, UUID_PATTERN } from '../../../protocol/constants';

/**
 * Branded identifier types. Every id crossing a module boundary carries its
 * kind in the type system, so a ThreadId can never be passed where a RunId is
 * expected. Values are created only through the parsers/generators below.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type ThreadId = Brand<string, 'ThreadId'>;
export type RunId = Brand<string, 'RunId'>;
export type MessageId = Brand<string, 'MessageId'>;
export type ClientMessageId = Brand<string, 'ClientMessageId'>;
export type ConnectionId = Brand<string, 'ConnectionId'>;
export type ToolCallId = Brand<string, 'ToolCallId'>;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A user id is the token's `sub` (protocol §3: USER_ID_PATTERN). */
export function parseUserId(value: unknown): UserId | null {
  return typeof value === 'string' && USER_ID_PATTERN.test(value) ? (value as UserId) : null;
}

function uuidParser<T extends string>() {
  return (value: string): T | null => (isUuid(value) ? (value.toLowerCase() as T) : null);
}

/** Parse a client-supplied UUID string; null when it is not UUID-shaped. */
export const parseThreadId = uuidParser<ThreadId>();
export const parseRunId = uuidParser<RunId>();
export const parseClientMessageId = uuidParser<ClientMessageId>();

export const newThreadId = (): ThreadId => randomUUID() as ThreadId;
export const newRunId = (): RunId => randomUUID() as RunId;
export const newMessageId = (): MessageId => randomUUID() as MessageId;
export const newConnectionId = (): ConnectionId => randomUUID() as ConnectionId;
export const newToolCallId = (): ToolCallId => randomUUID() as ToolCallId;
