import chai from 'chai';
import { CloseCode, type Dependency } from '../../protocol/constants';
import { ruleById } from '../../protocol/rules';
import type { ChatUser, HandshakeAttempt, HistoryRead, ResumeRequest, SentMessage, WatchedRun } from '../actors/chat-user';
import type { ChatConnection, CloseRecord } from '../client/chat-connection';
import type { HealthReading } from '../client/health-client';
import type { EnvironmentProfile } from '../config/environment-profile';
import type { Judgement } from '../oracle/violation';
import type { SuccessMetrics } from '../report/success-metrics';
import { judgeErrorAnswer, type ErrorAnswer, type ExpectedError } from './judges/answers';
import { judgeClosedWith, judgeCrowdUnbroken, judgeNoBrokenConnections, judgeToldGoingAway } from './judges/connections';
import { judgeFramesHonourContract, judgeNothingAfterCompletion } from './judges/contract';
import { judgeCrowdReady, judgeExpiryClose, judgeOpened, judgeRefusal } from './judges/handshakes';
import { judgeCommittedOnAcceptance, judgeHistory, judgeHistoryRefused, judgeNotFound, judgeUnchanged, judgeUntouched } from './judges/history';
import { judgeFlood, judgeFuzz } from './judges/hostile';
import { judgeNoLeaks, judgeNoneOfTheirRun } from './judges/isolation';
import { ruleLedger } from './rule-ledger';
import {
  judgeAcceptance, judgeActionableAnswer, judgeCoverage, judgeRuns, judgeExplainedFailure, judgeNothingToReplay, judgeOnlyOneRun, judgeResumedStream, judgeRun, judgeSameAcknowledgement,
} from './judges/runs';
import {
  judgeCleanExit, judgeConnectionCount, judgeDegradedWarning, judgeHealthy, judgeInstancesReady, judgeNamesVariable, judgeNeverServed, judgeReadiness, judgeRefusedToStart,
  type MisconfiguredStart, type ReadinessObservation,
} from './judges/service';
import { judgeTestToken, judgeTestTokenRefused, judgeTokenFlood, type TestTokenRefusal } from './judges/test-tokens';
import type { FuzzBarrage } from '../scenario/fuzz-barrage';
import type { TestTokenRequest } from '../scenario/test-tokens';
import type { Flood } from '../scenario/raw-frames';

/**
 * The suite's expectations as chai assertions that read like the domain:
 *
 *   expect(run).to.followEveryEventRule();
 *   expect(tab).not.to.closeWith(CloseCode.InternalError);
 *
 * Each assertion hands its subject to a judge (support/expectations/*.ts),
 * which returns the rules it evaluated and the violations it found, each with
 * its rule id and business impact; the assertion records them for the
 * conformance verdict and fails with every violation listed.
 */
const ASSERTIONS = {
  followEveryEventRule: (run: WatchedRun) => judgeRun(run),
  allFollowEveryEventRule: (runs: readonly WatchedRun[]) => judgeRuns(runs),
  endWithAnActionableAnswer: (run: WatchedRun) => judgeActionableAnswer(run),
  endInAnExplainedFailure: (run: WatchedRun, failedAt: number, withinMs: number) => judgeExplainedFailure(run, failedAt, withinMs),
  beAcceptedPromptly: (message: SentMessage, user: ChatUser) => judgeAcceptance(user, message),
  shareOneAcknowledgement: (sends: readonly SentMessage[], user: ChatUser) => judgeSameAcknowledgement(user, sends),
  haveStartedOneRunOnly: (user: ChatUser) => judgeOnlyOneRun(user),
  haveSeenEveryEventOf: (user: ChatUser, runId: string) => judgeCoverage(user, runId),
  replayTheRunInOrder: (resume: ResumeRequest, user: ChatUser) => judgeResumedStream(user, resume),
  beAnsweredWithNothing: (resume: ResumeRequest, user: ChatUser) => judgeNothingToReplay(user, resume),
  beTheError: (answer: ErrorAnswer, expected: ExpectedError) => judgeErrorAnswer(answer, expected),
  beRefusedBeforeTheUpgrade: (attempt: HandshakeAttempt, status: number, rule: string, risk: string) => judgeRefusal(attempt, status, rule, risk),
  openAsPresented: (attempt: HandshakeAttempt, rule: string, risk: string, profile: EnvironmentProfile) => judgeOpened(attempt, rule, risk, profile),
  endTheSessionAtExpiry: (attempt: HandshakeAttempt, user: ChatUser, close: CloseRecord | undefined) => judgeExpiryClose(user, attempt, close),
  warnOfDegraded: (attempt: HandshakeAttempt, down: readonly Dependency[]) => judgeDegradedWarning(attempt, down),
  allBeReady: (crowd: readonly ChatUser[]) => judgeCrowdReady(crowd),
  stayUnbroken: (tabs: readonly ChatConnection[]) => judgeCrowdUnbroken(tabs),
  allBeToldGoingAway: (closes: ReadonlyArray<{ tab: ChatConnection; close: CloseRecord | undefined }>) => judgeToldGoingAway(closes),
  holdExactlyWhatHappened: (reads: readonly HistoryRead[], user: ChatUser) => judgeHistory(user, reads),
  holdTheMessageAsSoonAsAcknowledged: (read: HistoryRead, user: ChatUser, message: SentMessage) => judgeCommittedOnAcceptance(user, message, read),
  holdOnlyWhatWasThereBefore: (read: HistoryRead, user: ChatUser, refused: SentMessage, heldBefore: number) => judgeUnchanged(user, refused, read, heldBefore),
  holdNothingWrittenBy: (read: HistoryRead, owner: ChatUser, intruder: ChatUser) => judgeUntouched(owner, intruder, read),
  beNotFound: (read: HistoryRead, reader: ChatUser, ownerWords: readonly string[]) => judgeNotFound(reader, read, ownerWords),
  beRefusedWith: (read: HistoryRead, reader: ChatUser, status: 401 | 403, how: string, ownerWords: readonly string[]) => judgeHistoryRefused(reader, read, status, how, ownerWords),
  keepEveryoneApart: (users: readonly ChatUser[]) => judgeNoLeaks(users),
  haveReceivedNoneOfTheRun: (viewer: ChatUser, owner: ChatUser, runId: string) => judgeNoneOfTheirRun(viewer, owner, runId),
  beSlowedDown: (flood: Flood, profile: EnvironmentProfile) => judgeFlood(flood.probe, flood.count, flood.nonces, flood.answeredInTime, flood.answeredAfterMs, profile),
  haveBrokenNothing: (barrage: FuzzBarrage, profile: EnvironmentProfile) => judgeFuzz(barrage, profile),
  sayReadiness: (observation: ReadinessObservation) => judgeReadiness(observation),
  beHealthy: (reading: HealthReading, after: string) => judgeHealthy(reading, after),
  countConnections: (now: number | undefined, before: number, delta: number, what: string) => judgeConnectionCount(before, now, delta, what),
  refuseToStart: (start: MisconfiguredStart) => judgeRefusedToStart(start),
  nameTheVariable: (start: MisconfiguredStart, variable: string) => judgeNamesVariable(start, variable),
  neverServe: (start: MisconfiguredStart) => judgeNeverServed(start),
  allComeUpReady: (starts: ReadonlyArray<{ label: string; failure?: string; readiness?: HealthReading }>) => judgeInstancesReady(starts),
  haveExitedCleanly: (exit: { code: number | null; signal: NodeJS.Signals | null } | undefined) => judgeCleanExit(exit),
  honourTheContract: (tabs: readonly ChatConnection[]) => judgeFramesHonourContract(tabs),
  receiveNothingOfARunAfterItsEnd: (tabs: readonly ChatConnection[]) => judgeNothingAfterCompletion(tabs),
  showNoBrokenConnection: (added: SuccessMetrics) => judgeNoBrokenConnections(added),
  beTheTestTokenAskedFor: (request: TestTokenRequest, receivedAt: number) => judgeTestToken(request, receivedAt),
  beRefusedAsATestTokenRequest: (request: TestTokenRequest, expected: TestTokenRefusal) => judgeTestTokenRefused(request, expected),
  beSlowedDownAsATokenFlood: (requests: readonly TestTokenRequest[]) => judgeTokenFlood(requests),
  /** A judgement computed elsewhere (the oracle's examples, the browser's run). */
  holdUp: (judgement: Judgement) => judgement,
} satisfies Record<string, (subject: never, ...args: never[]) => Judgement>;

/** Several judgements as one: every rule evaluated, the first `limit` failing ones listed. */
export function combine(headline: string, judgements: readonly Judgement[], limit = 10): Judgement {
  const failing = judgements.filter((judgement) => judgement.violations.length > 0);
  return {
    headline,
    evaluated: [...new Set(judgements.flatMap((judgement) => judgement.evaluated))],
    violations: failing.slice(0, limit).flatMap((judgement) => judgement.violations.map((found) => ({ rule: found.rule, message: `${judgement.headline}: ${found.message}` }))),
  };
}

/**
 * A judgement that also decides `rules`: when a check holds in a situation
 * that is itself a rule (chat works while the cache is down), that rule holds
 * too; when it fails there, that rule is broken as well.
 */
export function alsoEstablishes(judgement: Judgement, rules: readonly string[], situation: string): Judgement {
  if (rules.length === 0) return judgement;
  const [first] = judgement.violations;
  return {
    headline: judgement.headline,
    evaluated: [...judgement.evaluated, ...rules],
    violations: first === undefined ? [] : [...judgement.violations, ...rules.map((rule) => ({ rule, message: `${situation}: ${first.message}` }))],
  };
}

/** The failure message: the headline, then one line per violation with its rule id and whether the protocol or a target of the suite's profile was missed. */
export function describeJudgement(judgement: Judgement): string {
  const kind = (rule: string): string => (ruleById(rule).kind === 'protocol' ? 'protocol MUST' : 'profile target, not a protocol rule');
  return `${judgement.headline}\n${judgement.violations.map((found) => `  ✗ [${found.rule}, ${kind(found.rule)}] ${found.message}`).join('\n')}`;
}

/** What a close must be: its rule, what came before, what an open connection costs, and (optionally) the target it must meet. */
export interface CloseExpectation {
  readonly rule: string;
  readonly after: string;
  readonly ifOpen: string;
  readonly close: CloseRecord | undefined;
  readonly timing?: { readonly since: number; readonly targetMs: number };
}

type Assertions = typeof ASSERTIONS;
type GoldenPathArgs<K extends keyof Assertions> = Parameters<Assertions[K]> extends [unknown, ...infer Rest] ? Rest : never;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    type GoldenPathAssertions = { [K in keyof Assertions]: (...args: GoldenPathArgs<K>) => Assertion };
    interface Assertion extends GoldenPathAssertions {
      /** The connection was closed by the server with `code`; negated: it was not closed with `code` (open, or another code). */
      closeWith(code: number, how?: CloseExpectation): Assertion;
    }
  }
}

function settle(assertion: Chai.AssertionStatic, judgement: Judgement): void {
  ruleLedger.record(judgement);
  // chai fills in #{this}, #{exp} and #{act}; a backend's text must not be read as a placeholder.
  const message = describeJudgement(judgement).replace(/#\{/g, '#\u200b{');
  assertion.assert(judgement.violations.length === 0, message, message, undefined);
}

const goldenPath: Chai.ChaiPlugin = (chaiInstance, utils) => {
  for (const [name, judge] of Object.entries(ASSERTIONS) as Array<[string, (subject: unknown, ...args: unknown[]) => Judgement]>) {
    chaiInstance.Assertion.addMethod(name, function (this: Chai.AssertionStatic, ...args: unknown[]) {
      if (utils.flag(this, 'negate') === true) throw new Error(`expect(…).not.to.${name}() is not a judgement: state what must hold instead`);
      settle(this, judge(utils.flag(this, 'object'), ...args));
    });
  }
  chaiInstance.Assertion.addMethod('closeWith', function (this: Chai.AssertionStatic, code: number, how?: CloseExpectation) {
    const tab = utils.flag(this, 'object') as ChatConnection;
    if (utils.flag(this, 'negate') === true) {
      const closedWith = tab.closeEvent?.code === code;
      const rule = code === CloseCode.InternalError ? 'GP-9.1' : 'GP-9.2';
      const judgement: Judgement = { headline: `${tab.label} was closed with ${code}`, evaluated: [rule], violations: closedWith ? [{ rule, message: `${tab.label} was closed with ${code}: the client cannot tell its own mistake from a server failure` }] : [] };
      ruleLedger.record(judgement);
      // Negated, chai passes when the expression is false: so the expression is "it was closed with code".
      const message = describeJudgement(judgement);
      this.assert(closedWith, message, message, undefined);
      return;
    }
    if (how === undefined) throw new Error('expect(tab).to.closeWith(code, how) needs the rule, what came before, and what an open connection costs');
    settle(this, judgeClosedWith(tab, how.close, code, how.rule, how.after, how.ifOpen, how.timing));
  });
};

chai.use(goldenPath);

export const { expect } = chai;
