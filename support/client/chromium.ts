import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pollUntil } from '../services/deadline';

/**
 * Which headless Chromium the suite drives (the browser scenario, the
 * report's browser test), in this order:
 *   1. GOLDEN_PATH_CHROMIUM, a Chromium or Chrome binary you name;
 *   2. a system Chromium (`chromium`, `chromium-browser`, `google-chrome` on PATH or in /usr/bin);
 *   3. the Chromium shipped inside the `@sparticuz/chromium` npm package, unpacked
 *      once into the temporary directory (a few seconds the first time, then
 *      nothing) and launched with that package's own recommended arguments —
 *      so `npm ci` alone is enough.
 */
export interface ChromiumChoice {
  readonly executablePath: string;
  /** Launch arguments (playwright-core adds its own). */
  readonly args: readonly string[];
  /** Where it came from, for messages: "GOLDEN_PATH_CHROMIUM", "the system's /usr/bin/chromium", "@sparticuz/chromium 153". */
  readonly source: string;
  /** What to try when it does not start. */
  readonly ifItFails: string;
}

/** For a system or named Chromium: no sandbox (containers, root), no GPU, nothing phoning home. */
const SYSTEM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export async function chooseChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const given = env.GOLDEN_PATH_CHROMIUM?.trim();
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`GOLDEN_PATH_CHROMIUM names ${given}, which does not exist: point it at a Chromium or Chrome binary, or unset it to use the system's or the one in @sparticuz/chromium`);
    return { executablePath: given, args: SYSTEM_ARGS, source: `GOLDEN_PATH_CHROMIUM (${given})`, ifItFails: 'check that GOLDEN_PATH_CHROMIUM names a Chromium or Chrome that runs headless here' };
  }
  const system = systemChromium(env);
  if (system !== undefined) return { executablePath: system, args: SYSTEM_ARGS, source: `the system's ${system}`, ifItFails: `check that ${system} runs headless here, or set GOLDEN_PATH_CHROMIUM to another` };
  return packagedChromium();
}

function systemChromium(env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [...(env.PATH ?? '').split(':').filter((dir) => dir !== ''), '/usr/bin'];
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}

/** How long another process may take to unpack the packaged Chromium before this one gives up waiting. */
const UNPACK_TIMEOUT_MS = 120_000;

async function packagedChromium(): Promise<ChromiumChoice> {
  const { default: Chromium } = await import('@sparticuz/chromium');
  const version = packageVersion();
  // The package unpacks into the temporary directory and reuses what it finds there:
  // two processes unpacking at once would hand one of them a half-written binary.
  const lock = join(tmpdir(), 'golden-path-chromium-unpack.lock');
  if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > UNPACK_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
  let executablePath: string;
  if (tryLock(lock)) {
    try {
      executablePath = await Chromium.executablePath();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  } else {
    await pollUntil('another process to finish unpacking @sparticuz/chromium', UNPACK_TIMEOUT_MS, () => Promise.resolve(existsSync(lock) ? undefined : true), 100);
    executablePath = await Chromium.executablePath();
  }
  return {
    executablePath,
    args: Chromium.args,
    source: `@sparticuz/chromium ${version} (unpacked to ${executablePath})`,
    ifItFails: `it needs the NSS library (Debian/Ubuntu: apt-get install libnss3); if ${executablePath} was left half-unpacked, delete it; or set GOLDEN_PATH_CHROMIUM to a Chromium or Chrome`,
  };
}

function tryLock(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The package's version, from its package.json (its exports do not include it). */
function packageVersion(): string {
  const entry = require.resolve('@sparticuz/chromium');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '(unknown version)';
}
