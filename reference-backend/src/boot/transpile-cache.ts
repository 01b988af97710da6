/**
 * Start-up speed for the `node --require ts-node/register/transpile-only`
 * launch: ts-node transpiles every module on every start (~0.6 s for this
 * code base on a small machine). This hook keeps each module's transpiled
 * JavaScript in a content-addressed cache under the OS temp directory, so
 * later starts skip the TypeScript compiler entirely. Imported first by
 * main.ts; a no-op when not running under ts-node. Any cache problem falls
 * back to ts-node. Set GP_TRANSPILE_CACHE=0 to disable.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type CompilableModule = NodeJS.Module & { _compile(code: string, filename: string): unknown };
type Loader = (module: CompilableModule, filename: string) => void;

// require.extensions is the (deprecated but stable) CommonJS hook ts-node itself registers on.
const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
const tsNodeLoader = extensions['.ts'];

if (tsNodeLoader !== undefined && process.env['GP_TRANSPILE_CACHE'] !== '0') {
  const cacheDir = join(tmpdir(), 'golden-path-reference-backend', 'ts-cache');
  const salt = `${process.version}\0${compilerVersion()}\0`;
  let usable = true;
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch {
    usable = false; // read-only temp dir: plain ts-node
  }

  if (usable) {
    extensions['.ts'] = (module, filename) => {
      const source = readFileSync(filename, 'utf8');
      const key = createHash('sha1').update(salt).update(filename).update('\0').update(source).digest('hex');
      const cached = join(cacheDir, `${key}.js`);
      const hit = readIfPresent(cached);
      if (hit !== null) {
        module._compile(hit, filename);
        return;
      }
      const compile = module._compile.bind(module);
      module._compile = (code, file) => {
        store(cached, code);
        return compile(code, file);
      };
      tsNodeLoader(module, filename);
    };
  }
}

function compilerVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('typescript/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // not cached yet
  }
}

/** Write-then-rename, so a concurrent start never reads half a file. */
function store(path: string, code: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, code);
    renameSync(temporary, path);
  } catch (err) {
    process.stderr.write(`warn: transpile cache write failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
