// The lab engine worker: the differentiable lab engine (training, gradients, probes). For now the shared runtime API; module methods are added to this object.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';

exposeEngine(createBrowserRuntimeEngine() satisfies RuntimeEngineApi);
