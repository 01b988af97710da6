import { randomUUID } from 'node:crypto';
import { UUID_PATTERN } from '../../protocol/constants';

/**
 * Branded identifiers: a ThreadId can never be passed where a RunId is
 * expected, even though both are UUID strings on the wire.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type ThreadId = Brand<string, 'ThreadId'>;
export type RunId = Brand<string, 'RunId'>;
export type MessageId = Brand<string, 'MessageId'>;
export type ClientMessageId = Brand<string, 'ClientMessageId'>;
export type ConnectionId = Brand<string, 'ConnectionId'>;
export type ToolCallId = Brand<string, 'ToolCallId'>;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

export const newClientMessageId = (): ClientMessageId => randomUUID() as ClientMessageId;

/** A user id unique to this run, readable in transcripts: `alice.3f9c2a1b`. */
export const newUserId = (name: string): UserId =>
  `${name.toLowerCase()}.${randomUUID().slice(0, 8)}` as UserId;

export const asRunId = (value: string): RunId => value as RunId;
export const asThreadId = (value: string): ThreadId => value as ThreadId;
export const asMessageId = (value: string): MessageId => value as MessageId;
export const asUserId = (value: string): UserId => value as UserId;
export const asConnectionId = (value: string): ConnectionId => value as ConnectionId;
export const asToolCallId = (value: string): ToolCallId => value as ToolCallId;
