// The playground's progress on the embedded pair (models/): one event per generated token of each method, against
// a total planned before the first token, so the bar moves during the run instead of sitting at 0 % until the end.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../runtime/progress';
import { createNodeBackend } from '../runtime/ortNode';
import type { FetchLike } from '../runtime/loaders';
import { createAlignbeamEngine } from './engine';
import { createModelLoader } from './loadModel';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamProgress, type BuiltinSuite } from './types';

const ROOT = resolve(__dirname, '../../..');
const fileFetch: FetchLike = async (url) => {
  const path = join(ROOT, decodeURIComponent(new URL(url).pathname));
  return existsSync(path) ? new Response(readFileSync(path)) : new Response('404', { status: 404, statusText: 'Not Found' });
};

describe('alignbeam playground progress', () => {
  it('reports every generated token of both methods: monotone, many steps, ending at 100 %', async () => {
    const engine = createAlignbeamEngine({
      loadModel: createModelLoader({ backend: async () => createNodeBackend(), fetch: fileFetch, modelsBaseUrl: 'http://workbench.test/models/' }),
      builtinSuite: async (name: BuiltinSuite) => readFileSync(join(ROOT, 'models/forge/heldout', `${name}.jsonl`), 'utf8'),
    });
    await engine.alignbeamLoadPair({ target: 'target', anchor: 'anchor', judge: 'judge' });
    const events: AlignbeamProgress[] = [];
    await engine.alignbeamPlayground('How do I boil an egg?', { ...DEFAULT_ALIGNBEAM_SETTINGS, K: 2, maxNewTokens: 6 }, (p) => events.push(p));
    const run = events.filter((e) => e.kind === 'playground');
    expect(run.length).toBe(events.length);
    expect(checkRunProgress(run)).toEqual([]);
    const before = new Set(run.filter((e) => e.done < e.total).map((e) => e.done / e.total));
    expect(before.size).toBeGreaterThan(5);
    // both methods report, target-only first
    const methods = run.map((e) => e.method);
    expect(methods[0]).toBe('target-only');
    expect(methods).toContain('alignbeam');
  }, 300_000);
});
