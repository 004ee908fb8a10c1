// Ensembles engine in a dedicated worker (CONVENTIONS #1): the same API runs in-thread in tests.
import * as Comlink from 'comlink';
import { createEnsemblesEngine, type EnsemblesApi } from '../src/core/ensembles/api';

Comlink.expose(createEnsemblesEngine() satisfies EnsemblesApi);
