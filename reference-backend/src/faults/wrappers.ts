import { AGENT_EVENT_FAULTS } from './agent-events';
import { AUTHENTICATION_FAULTS } from './authentication';
import { DELIVERY_AND_RESUME_FAULTS } from './delivery-and-resume';
import type { FaultName } from './catalogue';
import { FACTORY_INITIALIZATION_FAULTS } from './factory-initialization';
import { FRAME_FAULTS } from './frames';
import type { FaultWrapper } from './fault-wrapper';
import { HISTORY_FAULTS } from './history';
import { HOSTILE_INPUT_FAULTS } from './hostile-input';
import { IDEMPOTENCY_FAULTS } from './idempotency';
import { LIFECYCLE_FAULTS } from './lifecycle';
import { RACE_CONDITION_FAULTS } from './race-conditions';
import { RUN_TIMING_FAULTS } from './run-timing';
import { SERVICE_DEPENDENCY_FAULTS } from './service-dependencies';
import { TEST_TOKEN_FAULTS } from './test-tokens';

/** Every catalogued fault's wrapper, by name; each area's in its own module. */
export const FAULT_WRAPPERS: { readonly [Name in FaultName]: FaultWrapper } = {
  ...AGENT_EVENT_FAULTS,
  ...RUN_TIMING_FAULTS,
  ...DELIVERY_AND_RESUME_FAULTS,
  ...HISTORY_FAULTS,
  ...IDEMPOTENCY_FAULTS,
  ...RACE_CONDITION_FAULTS,
  ...SERVICE_DEPENDENCY_FAULTS,
  ...FACTORY_INITIALIZATION_FAULTS,
  ...AUTHENTICATION_FAULTS,
  ...HOSTILE_INPUT_FAULTS,
  ...TEST_TOKEN_FAULTS,
  ...FRAME_FAULTS,
  ...LIFECYCLE_FAULTS,
};
