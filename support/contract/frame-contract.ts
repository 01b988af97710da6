import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import serverFrameSchema from './server-frame.schema.json';
import clientFrameSchema from './client-frame.schema.json';

/**
 * The published contract: JSON Schemas of every client and server frame
 * (the two .schema.json files beside this one), usable as they are by teams
 * in any language. JSON Schema's `maxLength` counts code points, as the
 * protocol does.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv, ['uuid']);

const server: ValidateFunction = ajv.compile(serverFrameSchema);
const client: ValidateFunction = ajv.compile(clientFrameSchema);

export interface ContractBreach {
  /** JSON pointer into the frame, "" for the frame itself. */
  readonly path: string;
  readonly problem: string;
}

function breaches(errors: ErrorObject[] | null | undefined): ContractBreach[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => ({ path: error.instancePath === '' ? '/' : error.instancePath, problem: error.message ?? error.keyword }));
}

export function checkServerFrame(frame: unknown): ContractBreach[] {
  return server(frame) ? [] : breaches(server.errors);
}

export function checkClientFrame(frame: unknown): ContractBreach[] {
  return client(frame) ? [] : breaches(client.errors);
}
