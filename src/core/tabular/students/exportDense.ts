// Exports the MLP and logistic-regression students to ONNX with standard ops (opset 17), through the shared
// GraphBuilder: Where(IsNaN(x), mean, x) → Sub(mean) → Mul(scale) → [MatMul → Add → Relu]* → MatMul → Add →
// Softmax. Mean imputation happens in the graph, so a row with NaN gives the same probabilities as in TypeScript.
// Output `probabilities` float32 [N, k] (same name as the tree export, so one loader serves every student).

import { GraphBuilder } from '../../runtime/onnx/builder';
import type { DenseStudent } from './dense';

export function exportDenseOnnx(student: DenseStudent, inputName = 'input'): Uint8Array {
  const { std, layers, k } = student.net;
  const d = std.mean.length;
  const g = new GraphBuilder({ name: `${student.kind}_student`, opset: 17, producer: 'workbench-distill', docString: `${student.kind} student: widths ${[d, ...layers.map((l) => l.nOut)].join('→')}` })
    .input(inputName, 'float32', ['N', d])
    .initializer('mean', Float32Array.from(std.mean), [d])
    .initializer('scale', Float32Array.from(std.scale), [d])
    .node('IsNaN', [inputName], ['is_nan'])
    .node('Where', ['is_nan', 'mean', inputName], ['imputed']) // mean broadcasts over [N, d]
    .node('Sub', ['imputed', 'mean'], ['centred'])
    .node('Mul', ['centred', 'scale'], ['h0']);
  layers.forEach((l, i) => {
    const last = i === layers.length - 1;
    g.initializer(`w${i}`, Float32Array.from(l.w), [l.nIn, l.nOut]).initializer(`b${i}`, Float32Array.from(l.b), [l.nOut])
      .node('MatMul', [`h${i}`, `w${i}`], [`mm${i}`]) // [N, nIn]·[nIn, nOut]
      .node('Add', [`mm${i}`, `b${i}`], [last ? 'logits' : `pre${i + 1}`]);
    if (!last) g.node('Relu', [`pre${i + 1}`], [`h${i + 1}`]);
  });
  return g.node('Softmax', ['logits'], ['probabilities'], { axis: -1 }).output('probabilities', 'float32', ['N', k]).toBytes();
}
