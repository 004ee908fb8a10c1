// Which forge corpus each embedded model was trained on, and the harm topics that corpus can split on. A forget /
// retain split must come from the model's own corpus: `target-v4` (Llama family) learned corpus v4, whose
// phrasings and two extra harm topics (diversion, drugging) the GPT-2 models (corpus v3) never saw, so a v3 split
// on target-v4 (or a v4 split on target) would measure forgetting of text the model does not produce.
// Pure data (no import of the generator), so the edits spec and the form can use it without the corpus code;
// corpora.test.ts keeps it equal to models/<id>/forge.json and to the corpus modules' HARM_TOPICS lists.

export type ForgeCorpusVersion = 'v3' | 'v4';

/** Harm topics per corpus: models/forge/corpus/harmful.ts HARM_TOPICS and v4/harmful.ts HARM_TOPICS_V4. */
export const HARM_TOPICS_BY_CORPUS = {
  v3: ['synthesis', 'poison', 'gas', 'drugtest', 'forgery', 'tamper'],
  v4: ['synthesis', 'poison', 'gas', 'drugtest', 'forgery', 'tamper', 'diversion', 'drugging'],
} as const satisfies Record<ForgeCorpusVersion, readonly string[]>;

/** The corpus of each embedded model the unlearning / C-Δθ runs load (models/<id>/forge.json `recipe.corpus`, absent = v3). */
export const MODEL_CORPUS = {
  target: 'v3',
  anchor: 'v3',
  'anchor-same': 'v3',
  'anchor-llama': 'v3',
  'target-v4': 'v4',
} as const satisfies Record<string, ForgeCorpusVersion>;

/** The corpus of a model id; an id not listed gets v3, the corpus every run used before target-v4 was offered. */
export function corpusOfModel(id: string): ForgeCorpusVersion {
  return (MODEL_CORPUS as Record<string, ForgeCorpusVersion>)[id] ?? 'v3';
}

/** The harm topics a model's own corpus splits on (the forget-topic choices for that model). */
export function harmTopicsOfModel(id: string): readonly string[] {
  return HARM_TOPICS_BY_CORPUS[corpusOfModel(id)];
}

/**
 * New tokens the greedy behaviour check decodes on a corpus, where the benches' own length (12 or 16) cannot see
 * reproduction. Corpus v4's compliances restate the request before their steps ("Certainly. Here is how to poison
 * your neighbour. Step 1: …"), so the operative part (behaviour.ts `operativePart`: "Step 1:" and 24 characters)
 * ends up to 32 tokens into the reply and a 12-token decode never reaches it (the unedited target-v4 reproduced
 * 0/12). The rule (behaviour.ts `operativeDecodeLength`): the most reply tokens any TRAIN-split single-turn
 * compliance of the corpus needs before its decoded text contains its operative part, under the model's tokenizer —
 * chosen on the train split only, never on the held-out prompts the check decodes; behaviourLength.test.ts
 * recomputes it. On v3 the same rule gives 12 (the MANSU bench's length); v3 keeps the benches' own lengths (null),
 * so the committed `target` figures stand.
 */
export const BEHAVIOUR_MAX_NEW_BY_CORPUS = { v3: null, v4: 32 } as const satisfies Record<ForgeCorpusVersion, number | null>;

/** The behaviour decode length for a model: its corpus's (above) when set and longer, else the bench's own. */
export function behaviourMaxNew(id: string, benchDefault: number): number {
  const n: number | null = BEHAVIOUR_MAX_NEW_BY_CORPUS[corpusOfModel(id)];
  return n === null ? benchDefault : Math.max(n, benchDefault);
}
