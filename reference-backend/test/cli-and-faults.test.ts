import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliUsageError, parseCommandLine } from '../src/cli';
import { FAULT_CATALOGUE, Faults, parseFaultNames, UnknownFaultError } from '../src/faults';

void describe('fault registry', () => {
  void it('lists each fault once with an area and a description', () => {
    const names = FAULT_CATALOGUE.map((f) => f.name);
    assert.equal(new Set(names).size, names.length);
    for (const fault of FAULT_CATALOGUE) {
      assert.ok(fault.area.length > 0 && fault.description.length > 0, fault.name);
    }
    assert.deepEqual([...names].sort(), [
      'completed_before_tool',
      'duplicate_run_on_retry',
      'empty_recommendations',
      'lost_assistant_message',
      'no_thinking',
      'seq_gap',
      'started_twice',
      'unpaired_tool',
      'wrong_run_id',
    ]);
  });

  void it('parses repeated and comma-separated names, without duplicates', () => {
    assert.deepEqual(parseFaultNames(['seq_gap,no_thinking', 'seq_gap', ' started_twice ']), ['seq_gap', 'no_thinking', 'started_twice']);
    assert.throws(() => parseFaultNames(['no_such_fault']), UnknownFaultError);
  });

  void it('answers has() for active faults only', () => {
    const faults = new Faults(['seq_gap']);
    assert.equal(faults.has('seq_gap'), true);
    assert.equal(faults.has('no_thinking'), false);
    assert.equal(Faults.none().list().length, 0);
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
