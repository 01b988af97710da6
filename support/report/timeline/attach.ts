import type { GoldenPathWorld } from '../../world';
import { BrowserVisits } from '../../scenario/browser';
import { Outages } from '../../scenario/outages';
import type { OwnBackend } from '../../target/own-backend';
import { PICTURE_MEDIA_TYPE, PICTURE_TIMING_MEDIA_TYPE, scenarioPictures } from './pictures';

/**
 * Attaches a scenario's pictures (support/report/timeline/pictures.ts) to
 * cucumber's report, as images it shows inline, and how long drawing them
 * took. Called by the After hook once every connection is closed; rejects
 * with a message naming the scenario when a picture cannot be drawn.
 */
export async function attachScenarioPictures(world: GoldenPathWorld, pickle: { name: string; tags: ReadonlyArray<{ name: string }> }, stepsEndedAt: number): Promise<void> {
  const started = performance.now();
  const users = world.users;
  const visits = world.state(BrowserVisits).visits;
  if (users.length === 0 && visits.length === 0) return;
  const observed = {
    origin: world.startedAt,
    endAt: stepsEndedAt,
    users,
    dependencyChanges: world.state(Outages).changes,
    ownBackends: ownBackendsOf(world),
    browsers: visits.map((visit) => ({ owner: visit.user.name, startedAt: visit.startedAt, frames: visit.frames, ending: visit.outcome.ending })),
    profile: world.profile,
  };
  let pictures;
  try {
    pictures = await scenarioPictures(pickle.name, pickle.tags.map((tag) => tag.name), observed);
  } catch (error) {
    throw new Error(`the report could not draw the timeline of "${pickle.name}" (a defect of support/report/timeline, not of the backend): ${error instanceof Error ? error.stack ?? error.message : String(error)}`, { cause: error });
  }
  for (const picture of pictures) world.attach(Buffer.from(picture.svg, 'utf8'), { mediaType: PICTURE_MEDIA_TYPE, fileName: picture.fileName });
  if (pictures.length > 0) world.attach(JSON.stringify({ ms: Math.round(performance.now() - started), bytes: pictures.reduce((sum, picture) => sum + picture.svg.length, 0) }), PICTURE_TIMING_MEDIA_TYPE);
}

function ownBackendsOf(world: GoldenPathWorld): readonly OwnBackend[] {
  try {
    return world.target.ownBackends;
  } catch (error) {
    // A @unit scenario has no target, and so no backend of its own.
    if (error instanceof Error && error.message.includes('has no backend')) return [];
    throw error;
  }
}
