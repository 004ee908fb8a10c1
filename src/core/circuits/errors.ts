// Named errors of the circuits module. Messages say what is wrong and what to do, because the circuits panel
// shows them verbatim (comlink keeps `name` and `message` across the worker boundary).

export class CircuitsError extends Error {
  override readonly name: string = 'CircuitsError';
}

/** A request the engine cannot run: unknown node or edge, mismatched prompt pair, empty input. */
export class CircuitsInputError extends CircuitsError {
  override readonly name = 'CircuitsInputError';
}

/** A graph JSON that is neither EAP-IG `Graph.to_json` nor circuit-tracer / Neuronpedia graph JSON. */
export class GraphJsonError extends CircuitsError {
  override readonly name = 'GraphJsonError';
  constructor(problem: string) {
    super(`graph JSON: ${problem}. Expected EAP-IG Graph.to_json ({cfg, nodes, edges} with edges like "a0.h1->m3<q>") ` +
      'or circuit-tracer / Neuronpedia JSON ({metadata, nodes: [{node_id, layer, ctx_idx, feature_type}], links: [{source, target, weight}]}).');
  }
}

/** Model files that are missing, malformed, or not a GPT-2-style checkpoint the lab engine runs. */
export class CircuitsModelError extends CircuitsError {
  override readonly name = 'CircuitsModelError';
}

/** A call that needs a loaded model before `loadModel(id)`. */
export class ModelNotLoadedError extends CircuitsError {
  override readonly name = 'ModelNotLoadedError';
  constructor(id: string) {
    super(`model "${id}" is not loaded in the circuits engine: call loadModel("${id}") first (a restarted worker forgets its models).`);
  }
}
