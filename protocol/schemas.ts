import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import clientFrameSchema from './schemas/client-frame.schema.json';
import serverFrameSchema from './schemas/server-frame.schema.json';
import httpSchema from './schemas/http.schema.json';

/**
 * The published JSON Schemas (schemas/*.schema.json, usable as they are by
 * teams in any language), compiled once with Ajv. The suite checks every frame
 * it receives against them; the reference backend validates every client
 * frame with the same schema. JSON Schema's `maxLength` counts code points,
 * as the protocol does.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv, ['uuid']);
ajv.addSchema(httpSchema);

const server: ValidateFunction = ajv.compile(serverFrameSchema);
const client: ValidateFunction = ajv.compile(clientFrameSchema);

/** One way a value breaks a schema. */
export interface SchemaBreach {
  /** JSON pointer into the value, "/" for the value itself. */
  readonly path: string;
  readonly problem: string;
}

function breaches(errors: ErrorObject[] | null | undefined): SchemaBreach[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => ({ path: error.instancePath === '' ? '/' : error.instancePath, problem: error.message ?? error.keyword }));
}

export function checkServerFrame(frame: unknown): SchemaBreach[] {
  return server(frame) ? [] : breaches(server.errors);
}

export function checkClientFrame(frame: unknown): SchemaBreach[] {
  return client(frame) ? [] : breaches(client.errors);
}

/** The HTTP bodies of schemas/http.schema.json. */
export type HttpBody = 'errorBody' | 'health' | 'readiness' | 'history' | 'testTokenRequest' | 'testTokenResponse';

const httpValidators = new Map<HttpBody, ValidateFunction>();

export function checkHttpBody(kind: HttpBody, body: unknown): SchemaBreach[] {
  let validate = httpValidators.get(kind);
  if (validate === undefined) {
    validate = ajv.getSchema(`${httpSchema.$id}#/$defs/${kind}`) as ValidateFunction;
    httpValidators.set(kind, validate);
  }
  return validate(body) ? [] : breaches(validate.errors);
}
