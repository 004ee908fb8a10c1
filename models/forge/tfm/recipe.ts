// The prior, in words, as forge.json records it (src/core/tabular/tfm/prior.ts is the definition).
export const PRIOR_DESCRIPTION = {
  source: 'src/core/tabular/tfm/prior.ts (sampleTask, seeded mulberry32)',
  generators: {
    scm: '70 %: random MLP structural causal model — 1–8 latent causes, 1–4 layers of width ≥ ⌈(d+1)/layers⌉, weight density 0.4–1, one nonlinearity per task (tanh, relu, identity, sin, abs, sigmoid, clipped square), Gaussian node noise log-uniform 0.01–0.6; the target and the d features are distinct random nodes',
    trees: '30 %: independent features (normal, uniform, log-normal, small integer levels) and a target that is a sum of 1–8 random depth-2 threshold trees plus Gaussian noise',
  },
  features: 'd uniform in 1..32; per task a share 0–0.5 of features (40 % of tasks) replaced by noise (irrelevant), 15 % of features exponentiated (skew), a share 0–0.6 (50 % of tasks) discretised into 2–8 integer codes at random quantiles with permuted codes (categorical), random scale (log-uniform 0.1–10) and shift',
  labels: 'k = 2 (50 %) or uniform 3..10; quantile cuts of the continuous target at Dirichlet-like class shares (concentration log-uniform 0.3–5; a third of tasks shrink one class by 0.02–0.3: strong imbalance); 30 % of tasks flip 0–10 % of labels; class ids permuted',
  missing: '15 % of tasks: half of the features lose 1–25 % of values completely at random (NaN)',
  rows: 'context 64 / 192 / 448 / 960 rows (p 0.3 / 0.35 / 0.25 / 0.1), 64 query rows, rows iid, first n_ctx rows are the context',
} as const;

/** Prior version 2 (`--prior 2`): version 1 plus what real tables have (src/core/tabular/tfm/priorV2.ts). */
export const PRIOR_V2_DESCRIPTION = {
  ...PRIOR_DESCRIPTION,
  version: 2,
  source: 'src/core/tabular/tfm/prior.ts with version 2 (the knobs in priorV2.ts)',
  features: 'as version 1, but the categorical share per task reaches 1 (every feature) and a fifth of categorical columns get 9–24 levels',
  labels: 'as version 1, plus a quarter of tasks with one class at 0.3–8 % of the rows (log-uniform; extreme imbalance) and another quarter with one class shrunk by 0.02–0.3; 40 % of tasks flip 0–20 % of labels',
  missing: '30 % of tasks: a share 0.2–1 of the features lose values at a rate 1–50 %, completely at random in two thirds of them and informatively in a third (values above a random quantile go missing at 2× the rate, those below at a fifth)',
  duplicates: '60 % of tasks: 5–60 % of rows replaced by copies of other rows, label included (the copy keeps its source\'s noisy label), near-duplicates (continuous features jittered by 1 % of their range) in half of those tasks; copies fall on both sides of the context/query split',
} as const;

/** Prior version 3 (`--prior 3`): version 2 plus exact query copies of context rows (priorV3.ts). */
export const PRIOR_V3_DESCRIPTION = {
  ...PRIOR_V2_DESCRIPTION,
  version: 3,
  source: 'src/core/tabular/tfm/prior.ts with version 3 (the v2 task of the same seed, then priorV3.ts)',
  queryCopies: '50 % of tasks: a share 10–60 % of the query rows replaced by exact copies of random context rows — every feature, missing cells included, and the label as the context shows it (no noise on the copy), as when a teacher scores rows of its own context',
} as const;
