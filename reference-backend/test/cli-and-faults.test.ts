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
    // Which faults exist is the catalogue's business (and faults.test.ts checks each has a wrapper): names only need a shape.
    for (const name of names) assert.match(name, /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/, name);
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
      'test_tokens',
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
