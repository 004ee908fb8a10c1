// The extractive baseline generator: no model, one sample per chunk — "What does the source say about <section>?"
// answered with the chunk's first sentence, cited by its exact span. It gives the pipeline faithful samples to
// inject failures into, gate and recover without any model (the general embedded models write no Question/Answer
// pair; models/curation-gen-s does), and a floor a model generator should beat. Its samples enter the pipeline as imported
// ones (no generation call, cost 0).
import { sampleId, sentenceSpans } from './generate';
import type { Chunk, CuratedSample } from './types';

export const EXTRACTIVE_GENERATOR = 'extractive';

/** The topic a question names: the last heading of the chunk's path, else its first words. */
function topicOf(chunk: Chunk): string {
  const heading = chunk.heading.split(' > ').pop()?.trim();
  if (heading) return heading.toLowerCase();
  return chunk.text.split(/\s+/).slice(0, 5).join(' ').replace(/[.,;:!?]+$/, '').toLowerCase();
}

/** One sample per chunk whose text holds a sentence that is not a heading line; others make none. */
export function extractiveSamples(chunks: readonly Chunk[]): CuratedSample[] {
  return chunks.flatMap((chunk) => {
    const span = sentenceSpans(chunk.text).find((sp) => !chunk.text.slice(sp.start, sp.end).trimStart().startsWith('#'));
    if (!span) return [];
    return [{
      id: sampleId(chunk.id, EXTRACTIVE_GENERATOR, 0), instruction: `What does the source say about ${topicOf(chunk)}?`,
      response: chunk.text.slice(span.start, span.end), provenance: { chunkId: chunk.id, span }, generator: EXTRACTIVE_GENERATOR, attempt: 0, calls: 0,
    }];
  });
}
