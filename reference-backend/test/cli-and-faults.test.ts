import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliUsageError, parseCommandLine } from '../src/cli';
import { CRASH_EXIT_CODE, crashOn } from '../src/logger';
import { FAULT_CATALOGUE, parseFaultNames, UnknownFaultError } from '../src/faults/catalogue';

void describe('fault registry', () => {
  void it('lists each fault once with an area and a description', () => {
    const names = FAULT_CATALOGUE.map((f) => f.name);
    assert.equal(new Set(names).size, names.length);
    for (const fault of FAULT_CATALOGUE) {
      assert.ok(fault.area.length > 0 && fault.description.length > 0, fault.name);
    }
    assert.deepEqual([...names].sort(), [
      'accept_expired',
      'alg_none_accepted',
      'any_hmac_accepted',
      'assistant_role_agent',
      'binary_accepted',
      'broadcast_events',
      'burst_1011',
      'completed_before_tool',
      'config_error_unnamed',
      'connection_count_leak',
      'default_secret',
      'degraded_hidden',
      'drain_abandons_late_runs',
      'drain_accepts_questions',
      'drain_admits_handshakes',
      'duplicate_run_on_retry',
      'early_frames_dropped',
      'empty_recommendations',
      'foreign_thread_accepted',
      'goodbye_1000',
      'health_says_healthy',
      'heartbeat_drops_everyone',
      'history_latest_50',
      'history_leak',
      'history_read_not_required',
      'history_token_decoded',
      'history_unordered',
      'ignore_audience',
      'instance_id_ignored',
      'listens_before_config_check',
      'long_content_accepted',
      'lost_assistant_message',
      'malformed_json_closes',
      'migration_race',
      'no_cross_instance_fanout',
      'no_db_recovery',
      'no_expiry_close',
      'no_rate_limit',
      'no_startup_sweep',
      'no_sweeper',
      'no_thinking',
      'oversize_1011',
      'query_token_accepted',
      'readiness_debounced',
      'ready_lies',
      'ready_says_ok',
      'redis_required',
      'refuse_after_upgrade',
      'seq_gap',
      'shutdown_exits_1',
      'sigterm_drops_sockets',
      'silent_failure',
      'silent_when_db_down',
      'single_tab_delivery',
      'slow_query_retried_forever',
      'started_twice',
      'startup_migration_cached',
      'step_delay_thoughts_only',
      'unpaired_tool',
      'upgrade_then_close_when_full',
      'write_not_enforced',
      'wrong_run_id',
    ]);
  });

  void it('groups faults by protocol area', () => {
    const areas = new Set(FAULT_CATALOGUE.map((f) => f.area));
    assert.deepEqual([...areas].sort(), [
      'agent_events',
      'authentication',
      'factory_initialization',
      'history',
      'hostile_input',
      'idempotency',
      'race_conditions',
      'service_dependencies',
    ]);
  });

  void it('parses repeated and comma-separated names, without duplicates', () => {
    assert.deepEqual(parseFaultNames(['seq_gap,no_thinking', 'seq_gap', ' started_twice ']), ['seq_gap', 'no_thinking', 'started_twice']);
    assert.throws(() => parseFaultNames(['no_such_fault']), UnknownFaultError);
  });
});

void describe('parseCommandLine', () => {
  void it('accepts --fault=NAME, --fault NAME and --list-faults', () => {
    assert.deepEqual(parseCommandLine(['--fault=seq_gap,wrong_run_id', '--fault', 'no_thinking']), {
      listFaults: false,
      faults: ['seq_gap', 'wrong_run_id', 'no_thinking'],
    });
    assert.equal(parseCommandLine(['--list-faults']).listFaults, true);
    assert.deepEqual(parseCommandLine([]), { listFaults: false, faults: [] });
  });

  void it('rejects unknown arguments and faults', () => {
    assert.throws(() => parseCommandLine(['--verbose']), CliUsageError);
    assert.throws(() => parseCommandLine(['--fault']), CliUsageError);
    assert.throws(() => parseCommandLine(['--fault=bogus']), UnknownFaultError);
  });
});

void describe('crashOn', () => {
  void it('logs an error nothing handled and exits with EX_SOFTWARE', () => {
    const logged: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: (message: string, err?: unknown) => void logged.push(`${message}: ${String(err)}`) };
    let exitCode: number | undefined;
    const handler = crashOn('uncaught exception', logger, (code) => {
      exitCode = code;
      throw new Error('exited');
    });
    assert.throws(() => handler(new Error('boom')), /exited/);
    assert.deepEqual(logged, ['uncaught exception: Error: boom']);
    assert.equal(exitCode, CRASH_EXIT_CODE);
  });
});
