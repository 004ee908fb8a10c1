// The demo's stories, in the order the demo tells them (`--modules` picks among these ids).
import { alignbeamStory } from './pages/alignbeam';
import { assuranceStory } from './pages/assurance';
import { circuitsStory } from './pages/circuits';
import { curationStory } from './pages/curation';
import { editsStory } from './pages/edits';
import { ensemblesStory } from './pages/ensembles';
import { experimentsStory } from './pages/experiments';
import { hubStory } from './pages/hub';
import { tabularStory } from './pages/tabular';
import type { Story } from './story';

export const STORIES: readonly Story[] = [
  alignbeamStory, tabularStory, ensemblesStory, circuitsStory, editsStory, curationStory, experimentsStory, assuranceStory, hubStory,
];

export class UnknownDemoModuleError extends Error {
  override name = 'UnknownDemoModuleError';
  constructor(id: string) {
    super(`No demo story "${id}": choose among ${STORIES.map((s) => s.id).join(', ')}`);
  }
}

export function pickStories(ids: readonly string[] | undefined): Story[] {
  if (!ids?.length) return [...STORIES];
  return ids.map((id) => STORIES.find((s) => s.id === id) ?? (() => { throw new UnknownDemoModuleError(id); })());
}
