import type { ChatUser } from '../../actors/chat-user';
import { SEED_PLAN_STORM_READINESS } from '../../config/environment-profile';
import { summarizeLatencies } from '../latency-summary';
import { renderReadinessHistogram } from './latency-chart';
import { timelineModel } from './model';
import { timelineInput, type ScenarioObservations } from './observe';
import { prepareTimelineChart, renderTimeline } from './timeline-chart';

/**
 * The pictures a scenario attaches to the report: its timeline, when it
 * opened connections, and for a handshake storm the histogram of how long
 * the crowd waited for a ready chat.
 */
export interface Picture {
  readonly fileName: string;
  readonly svg: string;
}

/** Media type of a scenario's pictures in cucumber's report: shown there as images. */
export const PICTURE_MEDIA_TYPE = 'image/svg+xml';
/** How long drawing a scenario's pictures took, so the dashboard can say what the report costs a run. */
export const PICTURE_TIMING_MEDIA_TYPE = 'application/x.golden-path.picture-timing+json';
export const TIMELINE_FILE_NAME = 'Timeline of the connections (SVG)';
export const STORM_FILE_NAME = 'Time to a ready chat in the storm (SVG)';

/** Loads the chart library and compiles the timeline in the background (a worker's first scenario then does not wait for them). */
export function preparePictures(): void {
  prepareTimelineChart();
}

const STORM_TAGS = ['@TGT-storm'];

export async function scenarioPictures(title: string, tags: readonly string[], observed: ScenarioObservations): Promise<Picture[]> {
  const input = timelineInput(observed);
  if (input.connections.length === 0 && input.refusals.length === 0) return [];
  const pictures: Picture[] = [{ fileName: TIMELINE_FILE_NAME, svg: await renderTimeline(timelineModel(input), title) }];
  const crowd = observed.users.filter((user) => user.inCrowd);
  if (crowd.length > 0 && tags.some((tag) => STORM_TAGS.includes(tag))) {
    const { samples, refused } = readiness(crowd);
    if (samples.length > 0) {
      const svg = await renderReadinessHistogram(samples, summarizeLatencies(samples), SEED_PLAN_STORM_READINESS, refused);
      pictures.push({ fileName: STORM_FILE_NAME, svg });
    }
  }
  return pictures;
}

/** Every crowd member's handshakes: how long each took to connection_established, and how many never got there. */
function readiness(crowd: readonly ChatUser[]): { samples: number[]; refused: number } {
  const attempts = crowd.flatMap((user) => user.attempts);
  const samples = attempts.flatMap((attempt) => (attempt.readyAt === undefined ? [] : [attempt.readyAt - attempt.startedAt]));
  return { samples, refused: attempts.length - samples.length };
}
