import { READINESS_STATUS, type Dependency, type ReadinessStatus } from '../../protocol/constants';
import type { HealthReading } from '../client/health-client';

/** The dependency states each readiness status stands for (PROTOCOL §2). */
export const DEPENDENCIES_FOR: Record<ReadinessStatus, Partial<Record<Dependency, 'up' | 'down'>>> = {
  ready: { postgres: 'up', redis: 'up' },
  degraded: { postgres: 'up', redis: 'down' },
  unavailable: { postgres: 'down' },
};

/** The reading says `status`: its HTTP code, its status and its dependencies (PROTOCOL §2). */
export function readinessSays(reading: HealthReading, status: ReadinessStatus): boolean {
  const body = reading.body as { status?: unknown; dependencies?: Record<string, unknown> } | undefined;
  return reading.status === READINESS_STATUS[status] && body?.status === status && Object.entries(DEPENDENCIES_FOR[status]).every(([name, state]) => body.dependencies?.[name] === state);
}
