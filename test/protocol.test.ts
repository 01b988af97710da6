import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity, fromFile, Parser } from '@asyncapi/parser';
import { CLIENT_FRAME_TYPES, ERROR_CODES, Limits, RUN_EVENT_TYPES, SERVER_FRAME_TYPES } from '../protocol/constants';
import clientFrameSchema from '../protocol/schemas/client-frame.schema.json';
import serverFrameSchema from '../protocol/schemas/server-frame.schema.json';

const PROTOCOL = join(__dirname, '..', 'protocol');

void test('the AsyncAPI document parses without errors and names every frame type', async () => {
  const { document, diagnostics } = await fromFile(new Parser(), join(PROTOCOL, 'asyncapi.yaml')).parse();
  const errors = diagnostics.filter((diagnostic) => Number(diagnostic.severity) === Number(DiagnosticSeverity.Error));
  assert.deepEqual(errors.map((error) => `${error.message} at ${error.path.join('/')}`), []);
  assert.ok(document !== undefined, 'the parser returned no document');
  const names = document.allMessages().all().map((message) => message.name());
  assert.deepEqual([...names].sort(), [...CLIENT_FRAME_TYPES, ...SERVER_FRAME_TYPES].sort());
  assert.deepEqual(document.channels().all().map((channel) => channel.address()), ['/ws']);
});

void test('the JSON Schemas state the same numbers and names as protocol/constants.ts', () => {
  const server = serverFrameSchema.$defs;
  assert.deepEqual(server.error.properties.code.enum, [...ERROR_CODES]);
  assert.deepEqual(server.isRunEvent.properties.type.enum, [...RUN_EVENT_TYPES]);
  assert.deepEqual(Object.keys(server.frames).sort(), [...SERVER_FRAME_TYPES].sort());
  assert.deepEqual(clientFrameSchema.properties.type.enum, [...CLIENT_FRAME_TYPES]);
  assert.equal(clientFrameSchema.$defs.user_message.properties.content.maxLength, Limits.maxContentCodePoints);
});
