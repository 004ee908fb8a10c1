// The tabular engine worker: the TFM teacher and tabular students. For now the shared runtime API; module methods are added to this object.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';

exposeEngine(createBrowserRuntimeEngine() satisfies RuntimeEngineApi);
