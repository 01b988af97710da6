import type { ChatUser } from '../actors/chat-user';
import { presentToken } from '../auth/credentials';
import type { GoldenPathWorld } from '../world';
import { ask } from './conversation';

/**
 * Acting: crowds — the handshake storm (PROTOCOL §3 under load, the seed
 * plan's first critical issue) and many users asking at once (isolation).
 * Each crowd member remembers her own attempts, tabs and runs.
 */
export function crowdSignsIn(world: GoldenPathWorld): ChatUser[] {
  return world.signInCrowd('Guest', world.profile.storm.users);
}

/** Every crowd member opens a tab, their starts spread evenly over the profile's storm window; each attempt is remembered, refused or not. */
export async function crowdConnects(world: GoldenPathWorld): Promise<void> {
  const crowd = world.crowd;
  const spacing = crowd.length > 1 ? world.profile.storm.withinMs / crowd.length : 0;
  await Promise.all(
    crowd.map(async (user, index) => {
      // A start schedule (the storm's shape), not a wait for a condition.
      await new Promise<void>((resolve) => setTimeout(resolve, index * spacing));
      await user.attemptTab({ credentials: presentToken(await user.token(), 'header') }, 'her token');
    }),
  );
}

export async function manyUsersWithChatsOpen(world: GoldenPathWorld): Promise<void> {
  await Promise.all(world.signInCrowd('Member', world.profile.isolationUsers).map((user) => user.openTab()));
}

export function crowdAsksAtOnce(world: GoldenPathWorld): void {
  for (const user of world.crowd) ask(world, user);
}
