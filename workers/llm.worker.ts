// The llm engine worker: causal LMs (target, anchor, judge) for alignbeam and curation. For now the shared runtime API; module methods are added to this object.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';

exposeEngine(createBrowserRuntimeEngine() satisfies RuntimeEngineApi);
