import type { SuccessMetrics } from '../report/success-metrics';
import { failIfAny } from './violation-error';

/**
 * The seed plan's first critical issue: no connection, in any scenario, may
 * be closed with 1011 or dropped without a close frame.
 */
export function expectNoBrokenConnections(added: SuccessMetrics): void {
  const violations: string[] = [];
  if (added.closed1011 > 0) {
    violations.push(`${added.closed1011} connection(s) were closed with 1011 (internal error): each of those users saw "connection failed" mid-chat — the Cloud Run failure this product was built to eliminate (target: 0%)`);
  }
  if (added.closedAbnormally > 0) {
    violations.push(`${added.closedAbnormally} connection(s) were dropped without a close frame (1006): the client cannot tell a crash from a network blip, and the user's chat just stops`);
  }
  failIfAny('connections were broken by the server', violations);
}
