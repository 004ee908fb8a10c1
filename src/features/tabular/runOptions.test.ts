// The tabular spec's `backend` reaches the object that runs: a share link's setting → the run options the panel
// sends → the engine → the options every ONNX session of the run is created with (the embedded TFM in teacher,
// study and distillation runs, and a user TFM). onnxruntime-node runs the sessions; the backend only records.
import { afterEach, describe, expect, it } from 'vitest';
import { createTabularEngine } from '../../core/tabular/api';
import { nodeTfmRuntime } from '../../core/tabular/tfm/nodeRuntime';
import { setTfmRuntime } from '../../core/tabular/tfm/tfmTeacher';
import { createNodeBackend } from '../../core/runtime/ortNode';
import type { OrtBackend, SessionOptions } from '../../core/runtime/session';
import { decodeLink, encodeLink } from '../../state/linkCodec';
import { tabularSpec, type TabularSpec } from '../../state/specs/tabular';
import { distillRunOptions, studyRunOptions, teacherRunOptions } from './runOptions';

function recording(seen: SessionOptions[]): OrtBackend {
  const node = createNodeBackend();
  return { ...node, createSession: (bytes, options = {}) => { seen.push(options); return node.createSession(bytes, options); } };
}

/** 96 rows, two informative features, a binary label. */
const csv = new TextEncoder().encode(['x1,x2,label', ...Array.from({ length: 96 }, (_, i) => {
  const y = i % 3 === 0 ? 1 : 0;
  return `${((i * 37) % 17) / 10 + y},${((i * 13) % 11) / 10 - y},${y ? 'yes' : 'no'}`;
})].join('\n'));

afterEach(() => setTfmRuntime(null));

describe('the tabular backend setting', () => {
  it('goes from a share link to the session options of the TFM in every view', async () => {
    const link = encodeLink('tabular', { ...tabularSpec.schema.parse({}), backend: 'wasm', teachers: ['tfm'], folds: 2, contextSizes: [32], strategies: ['uniform'] });
    const spec = decodeLink(link)!.spec as TabularSpec;
    expect(spec.backend).toBe('wasm');

    const seen: SessionOptions[] = [];
    setTfmRuntime({ ...nodeTfmRuntime(), backend: recording(seen) });
    const api = createTabularEngine();
    await api.loadFile('toy.csv', csv);
    await api.setTask({ target: 'label' });
    await api.runTeachers(teacherRunOptions(spec));
    await api.runStudy(studyRunOptions(spec));
    await api.runDistill({ ...distillRunOptions(spec), students: ['logreg'] });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((o) => o.backend)).toEqual(seen.map(() => 'wasm'));
  });

  it('an old link without the field runs with auto; a user TFM gets the setting too', async () => {
    const spec = tabularSpec.schema.parse({ teachers: ['tfm'], folds: 2 });
    expect(teacherRunOptions(spec).backend).toBe('auto');

    const seen: SessionOptions[] = [];
    const api = createTabularEngine({ userTeacherBackend: async () => recording(seen) });
    const tfm = await nodeTfmRuntime().loadModel();
    const contract = JSON.stringify({ format: 'workbench-tfm-contract', version: 1, name: 'mine' });
    await api.loadUserTeacher(tfm, contract, 'webgpu');
    expect(seen.map((o) => o.backend)).toEqual(['webgpu']);
  });

  it('the cut-off criterion and the TFM opt-in go from a link to the teacher run, defaults for a link without them', async () => {
    const spec = decodeLink(encodeLink('tabular', { ...tabularSpec.schema.parse({}), teachers: ['logreg'], folds: 2, cutoff: { criterion: 'f1', onnxTeachers: true } }))!.spec as TabularSpec;
    const api = createTabularEngine();
    await api.loadFile('toy.csv', csv);
    await api.setTask({ target: 'label' });
    expect((await api.runTeachers(teacherRunOptions(spec))).cutoff).toEqual({ criterion: 'f1', onnxTeachers: true });
    expect(teacherRunOptions(tabularSpec.schema.parse({})).cutoff).toEqual({ criterion: 'youden', onnxTeachers: false });
  });
});
