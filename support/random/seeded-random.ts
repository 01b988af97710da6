/**
 * The one source of generated content in the suite — amounts and models in
 * questions, the fuzz barrage, crowd names — seeded, so a failure can be
 * replayed. Each scenario gets its own seed (printed with every failure);
 * `GOLDEN_PATH_SEED=<seed>` makes every scenario of a run use that seed.
 * Identifiers (user ids, client_message_ids) stay random UUIDs: they are
 * identities, not content, and must never collide on a shared deployment.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from nothing');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An independent generator for one part of the scenario (one user, the fuzz), stable whatever else draws numbers. */
  derive(label: string): SeededRandom {
    return new SeededRandom(hash(`${this.seed}:${label}`));
  }
}

/** FNV-1a, 32 bits: a stable seed from a text. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** The seed of one scenario: GOLDEN_PATH_SEED when set (a replay), otherwise fresh. */
export function scenarioSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.GOLDEN_PATH_SEED?.trim();
  if (given === undefined || given === '') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`GOLDEN_PATH_SEED must be a non-negative integer (a seed printed by an earlier run), not ${JSON.stringify(given)}`);
  return seed;
}
