import type { DependencyStatusView } from '../health/dependency-monitor';

/** Whether chat can take a user_message now. */
export interface ChatAvailability {
  /** Why a user_message cannot be taken right now (the message of its SERVICE_UNAVAILABLE), or null when it can. */
  unavailableReason(): string | null;
}

export const POSTGRES_UNAVAILABLE = 'PostgreSQL is unavailable; retry later';

/** Protocol §6: PostgreSQL is required for chat; Redis is not. */
export function postgresRequired(dependencies: DependencyStatusView): ChatAvailability {
  return { unavailableReason: () => (dependencies.isUp('postgres') ? null : POSTGRES_UNAVAILABLE) };
}
