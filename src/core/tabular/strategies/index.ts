// The seven context-construction strategies by name (the names used in results, links and the UI).

import { diversityKmeans } from './diversity';
import { hybridBalancedDiverse } from './hybrid';
import { balanced, oversampleMinority, stratified, uniform } from './simple';
import { smote } from './smote';
import type { ContextStrategy, StrategyName } from './types';

export { STRATEGY_NAMES, type ContextResult, type ContextStrategy, type StrategyName } from './types';

export const STRATEGIES: Readonly<Record<StrategyName, ContextStrategy>> = {
  uniform,
  stratified,
  balanced,
  oversample_minority: oversampleMinority,
  smote,
  diversity_kmeans: diversityKmeans,
  hybrid_balanced_diverse: hybridBalancedDiverse,
};

export function buildContext(name: StrategyName, pool: Parameters<ContextStrategy>[0], size: number, seed: number): ReturnType<ContextStrategy> {
  const s = STRATEGIES[name];
  if (!s) throw new RangeError(`Unknown context strategy "${name}". Known: ${Object.keys(STRATEGIES).join(', ')}.`);
  return s(pool, size, seed);
}
