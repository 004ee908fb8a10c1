// Exports the tree student as an ai.onnx.ml TreeEnsembleClassifier (FACTS.md, onnxruntime): BRANCH_LT nodes
// (true branch when x < threshold in float32, exactly the learner's split), learned missing directions through
// nodes_missing_value_tracks_true, no ZipMap (ORT in JS cannot read it). Binary: one score per row with
// post_transform LOGISTIC, which ORT returns as [1−σ(s), σ(s)]; multiclass: k scores with SOFTMAX.
// Outputs: `label` int64 [N] and `probabilities` float32 [N, k].

import type { GbdtStudent } from './gbdt/gbdt';
import { GraphBuilder } from '../../runtime/onnx/builder';

export function exportGbdtOnnx(student: GbdtStudent, inputName = 'input'): Uint8Array {
  const { trees, outputs, baseScore, k, d } = student.model;
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const cTree: number[] = [];
  const cNode: number[] = [];
  const cId: number[] = [];
  const cWeight: number[] = [];
  trees.forEach((t, ti) => {
    for (let nd = 0; nd < t.feature.length; nd++) {
      const leaf = t.feature[nd] < 0;
      treeIds.push(ti);
      nodeIds.push(nd);
      featureIds.push(leaf ? 0 : t.feature[nd]);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      values.push(leaf ? 0 : t.threshold[nd]);
      trueIds.push(leaf ? 0 : t.left[nd]);
      falseIds.push(leaf ? 0 : t.right[nd]);
      missingTrue.push(leaf ? 0 : t.defaultLeft[nd]);
      if (leaf) {
        cTree.push(ti);
        cNode.push(nd);
        cId.push(ti % outputs);
        cWeight.push(t.value[nd]);
      }
    }
  });
  // a model with no trees (early stopping at round 0) still needs one leaf so the operator has something to sum
  if (trees.length === 0) {
    treeIds.push(0); nodeIds.push(0); featureIds.push(0); modes.push('LEAF'); values.push(0);
    trueIds.push(0); falseIds.push(0); missingTrue.push(0);
    for (let o = 0; o < outputs; o++) { cTree.push(0); cNode.push(0); cId.push(o); cWeight.push(0); }
  }
  return new GraphBuilder({ name: 'gbdt_student', opset: 17, producer: 'workbench-distill', docString: `gradient-boosted tree student: ${trees.length / Math.max(1, outputs)} rounds, ${k} classes` })
    .opset('ai.onnx.ml', 3)
    .input(inputName, 'float32', ['N', d])
    .node('TreeEnsembleClassifier', [inputName], ['label', 'probabilities'], {
      nodes_treeids: treeIds, nodes_nodeids: nodeIds, nodes_featureids: featureIds,
      nodes_modes: modes, nodes_values: values, nodes_truenodeids: trueIds, nodes_falsenodeids: falseIds,
      nodes_missing_value_tracks_true: missingTrue,
      class_treeids: cTree, class_nodeids: cNode, class_ids: cId, class_weights: cWeight,
      classlabels_int64s: Array.from({ length: k }, (_, c) => c),
      post_transform: outputs === 1 ? 'LOGISTIC' : 'SOFTMAX',
      base_values: Array.from(baseScore),
    }, { domain: 'ai.onnx.ml', name: 'trees' })
    .output('label')
    .output('probabilities')
    .toBytes();
}
