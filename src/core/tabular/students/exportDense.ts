// Exports the MLP and logistic-regression students to ONNX with standard ops (opset 17):
// Where(IsNaN(x), mean, x) → Sub(mean) → Mul(scale) → [MatMul → Add → Relu]* → MatMul → Add → Softmax.
// Mean imputation happens in the graph, so a row with NaN gives the same probabilities as in TypeScript.
// Output `probabilities` float32 [N, k] (same name as the tree export, so one loader serves every student).

import type { DenseStudent } from './dense';
import { encodeModel, floatTensor, floatValue, node, type NodeSpec } from './onnx/graph';

export function exportDenseOnnx(student: DenseStudent, inputName = 'input'): Uint8Array {
  const { std, layers, k } = student.net;
  const d = std.mean.length;
  const specs: NodeSpec[] = [
    { op: 'IsNaN', inputs: [inputName], outputs: ['is_nan'] },
    { op: 'Where', inputs: ['is_nan', 'mean', inputName], outputs: ['imputed'] }, // mean broadcasts over [N, d]
    { op: 'Sub', inputs: ['imputed', 'mean'], outputs: ['centred'] },
    { op: 'Mul', inputs: ['centred', 'scale'], outputs: ['h0'] },
  ];
  const inits = [floatTensor('mean', [d], std.mean), floatTensor('scale', [d], std.scale)];
  layers.forEach((l, i) => {
    const last = i === layers.length - 1;
    inits.push(floatTensor(`w${i}`, [l.nIn, l.nOut], l.w), floatTensor(`b${i}`, [l.nOut], l.b));
    specs.push({ op: 'MatMul', inputs: [`h${i}`, `w${i}`], outputs: [`mm${i}`] }); // [N, nIn]·[nIn, nOut]
    specs.push({ op: 'Add', inputs: [`mm${i}`, `b${i}`], outputs: [last ? 'logits' : `pre${i + 1}`] });
    if (!last) specs.push({ op: 'Relu', inputs: [`pre${i + 1}`], outputs: [`h${i + 1}`] });
  });
  specs.push({ op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attrs: { 'int:axis': -1 } });
  return encodeModel({
    name: `${student.kind}_student`, nodes: specs.map(node), initializers: inits, opsets: { '': 17 },
    inputs: [floatValue(inputName, ['N', d])], outputs: [floatValue('probabilities', ['N', k])],
    docString: `${student.kind} student: widths ${[d, ...layers.map((l) => l.nOut)].join('→')}`,
  });
}
