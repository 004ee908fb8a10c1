// The tabular engine worker (CONVENTIONS #1): the shared runtime API (ORT sessions, for the neural TFM teacher and
// exported students) plus the tabular engine of src/core/tabular/api.ts. Both have `cancel`; here it stops both.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { createTabularEngine, type TabularApi } from '../src/core/tabular/api';

export type TabularWorkerApi = RuntimeEngineApi & TabularApi;

const runtime = createBrowserRuntimeEngine();
const tabular = createTabularEngine();

exposeEngine({
  ...runtime,
  ...tabular,
  cancel: async () => {
    await tabular.cancel();
    await runtime.cancel();
  },
} satisfies TabularWorkerApi);
