import { defineParameterType } from '@cucumber/cucumber';
import { CREDENTIAL_NAMES } from './auth/hostile-tokens';
import { MALFORMED_FRAME_NAMES } from './actors/hostile-frames';
import { USER_ID_SHAPE_NAMES } from './scenario/sign-in';
import { INSTANCES } from './scenario/deployments';
import { UNKNOWN_IDS } from './scenario/conversation';
import { NONCES } from './scenario/connection-life';
import { BAD_TOKEN_REQUEST_NAMES, KEY_PRESENTATION_NAMES, permissionsNamed } from './scenario/test-tokens';
import { TEST_TOKEN_REFUSAL_NAMES } from './expectations/test-tokens';
import type { GoldenPathWorld } from './world';

/**
 * The domain's words in step text, each matched once here. `{actor}`
 * resolves to the ChatUser of that name (who must have signed in);
 * `{person}` is a first name not yet in the cast.
 */
const alternatives = (names: readonly string[]): RegExp => new RegExp([...names].sort((a, b) => b.length - a.length).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
const FIRST_NAME = /[A-Z][a-z]+/;

defineParameterType({
  name: 'actor',
  regexp: FIRST_NAME,
  transformer(this: GoldenPathWorld, name: string) {
    return this.user(name);
  },
});

/** Someone who is about to sign in. */
defineParameterType({ name: 'person', regexp: FIRST_NAME, useForSnippets: false });

/** A way of presenting oneself when opening the chat: "no token at all", "an unsigned token"… (support/auth/hostile-tokens.ts). */
defineParameterType({ name: 'credential', regexp: alternatives(CREDENTIAL_NAMES) });

/** How a handshake is refused: "not signed in" (401) or "not allowed to read" (403). */
export const REFUSALS = { 'not signed in': 401, 'not allowed to read': 403 } as const;
defineParameterType({ name: 'refusal', regexp: alternatives(Object.keys(REFUSALS)), transformer: (kind: string) => REFUSALS[kind as keyof typeof REFUSALS] });

/** A named malformed frame: "a bare number", "a question without content"… (support/actors/hostile-frames.ts). */
defineParameterType({ name: 'malformedFrame', regexp: alternatives(MALFORMED_FRAME_NAMES) });

/** What the chat must call a rejected frame. */
export const VERDICTS = { invalid: 'INVALID_MESSAGE', 'of a kind the chat does not support': 'UNSUPPORTED_TYPE' } as const;
defineParameterType({ name: 'frameVerdict', regexp: alternatives(Object.keys(VERDICTS)), transformer: (verdict: string) => verdict as keyof typeof VERDICTS });

/** The shape of a user id (support/scenario/sign-in.ts). */
defineParameterType({ name: 'userIdShape', regexp: alternatives(USER_ID_SHAPE_NAMES) });

/** One of two instances of the chat service. */
defineParameterType({ name: 'instance', regexp: alternatives(INSTANCES) });

/** How the chat database fails. */
export const DATABASE_FAILURES = { 'goes down': 'cut', 'stops answering': 'blackholed' } as const;
defineParameterType({ name: 'databaseFailure', regexp: alternatives(Object.keys(DATABASE_FAILURES)), transformer: (failure: string) => DATABASE_FAILURES[failure as keyof typeof DATABASE_FAILURES] });

/** What a readiness answer says. */
defineParameterType({ name: 'readiness', regexp: /ready|degraded|unavailable/ });

/** An id that names nothing of the user's (support/scenario/conversation.ts). */
defineParameterType({ name: 'unknownId', regexp: alternatives(Object.keys(UNKNOWN_IDS)) });

/** What a ping carries (support/scenario/connection-life.ts). */
defineParameterType({ name: 'nonce', regexp: alternatives(Object.keys(NONCES)) });

/** PROTOCOL §10: how someone without the key asks for a token, what bad request a tester sends, how a request is refused, what a token may do. */
defineParameterType({ name: 'keyPresentation', regexp: alternatives(KEY_PRESENTATION_NAMES) });
defineParameterType({ name: 'badTokenRequest', regexp: alternatives(BAD_TOKEN_REQUEST_NAMES) });
defineParameterType({ name: 'tokenRefusal', regexp: alternatives(TEST_TOKEN_REFUSAL_NAMES) });
defineParameterType({ name: 'permissions', regexp: /read and write|read|write/, transformer: (words: string) => permissionsNamed(words) });
