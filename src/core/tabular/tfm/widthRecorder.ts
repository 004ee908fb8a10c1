// Test support shared by the user-TFM and TFM-format tests: the real node backend, recording the feature width
// (last axis of one input) of every ONNX run, so a test can see how many columns a teacher fed the model.
import { createNodeBackend } from '../../runtime/ortNode';
import type { ModelSession, OrtBackend } from '../../runtime/session';

export function widthRecorder(widths: number[], input: string, backend: OrtBackend = createNodeBackend({ numThreads: 1 })): OrtBackend {
  return {
    name: backend.name,
    defaultProviders: backend.defaultProviders,
    async createSession(bytes, options): Promise<ModelSession> {
      const s = await backend.createSession(bytes, options);
      return { info: s.info, executionProvider: s.executionProvider, dispose: () => s.dispose(),
        run: (feeds, o) => { widths.push(feeds[input].dims[feeds[input].dims.length - 1]); return s.run(feeds, o); } };
    },
  };
}
