// Build-time checks of the graph builder: shape errors name the node and dims, undefined inputs are caught, and
// the serialised bytes parse back to the declared interface.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, int64 } from './builder';
import { parseOnnxModel } from './parse';

const f32 = (n: number) => new Float32Array(n);

describe('GraphBuilder shape checks', () => {
  it('rejects a MatMul with mismatched inner dims, naming the node', () => {
    const g = new GraphBuilder().input('x', 'float32', ['batch', 'seq', 64]).initializer('wq', f32(32 * 16), [32, 16]);
    expect(() => g.node('MatMul', ['x', 'wq'], ['q'], {}, { name: 'h0.attn.q' })).toThrow("MatMul 'h0.attn.q': inner dims 64 vs 32");
  });

  it('rejects an input that no earlier node defines', () => {
    const g = new GraphBuilder().input('x', 'float32', [2, 3]);
    expect(() => g.node('Add', ['x', 'bias'], ['y'], {}, { name: 'add' })).toThrow("Add 'add': input 'bias' is not defined");
  });

  it('rejects non-broadcastable elementwise shapes and mixed dtypes', () => {
    const g = new GraphBuilder().input('a', 'float32', [2, 3]).input('b', 'float32', [4]).input('i', 'int64', [2, 3]);
    expect(() => g.node('Mul', ['a', 'b'], ['c'], {}, { name: 'm' })).toThrow("Mul 'm': cannot broadcast [2,3] with [4]");
    expect(() => g.node('Add', ['a', 'i'], ['d'], {}, { name: 'n' })).toThrow("Add 'n': input dtypes differ: float32 vs int64");
  });

  it('infers shapes through attention-style reshapes, transposes, splits and concat', () => {
    const g = new GraphBuilder()
      .input('x', 'float32', ['batch', 'seq', 64])
      .initializer('w', f32(64 * 192), [64, 192])
      .initializer('heads', int64([0, 0, 4, 16]), [4])
      .node('MatMul', ['x', 'w'], ['qkv'])
      .node('Split', ['qkv'], ['q', 'k', 'v'], { axis: 2 })
      .node('Reshape', ['q', 'heads'], ['q4'])
      .node('Transpose', ['q4'], ['qt'], { perm: [0, 2, 1, 3] })
      .node('Concat', ['q', 'k'], ['qk'], { axis: -1 });
    expect(g.info('q')?.dims).toEqual(['batch', 'seq', 64]);
    expect(g.info('qt')?.dims).toEqual(['batch', 4, 'seq', 16]);
    expect(g.info('qk')?.dims).toEqual(['batch', 'seq', 128]);
    g.node('Constant', [], ['merge'], { value: { tensor: { dtype: 'int64', dims: [3], data: int64([0, 0, 64]) } } })
      .node('Transpose', ['qt'], ['back'], { perm: [0, 2, 1, 3] }).node('Reshape', ['back', 'merge'], ['merged']);
    expect(g.info('merged')?.dims).toEqual(['batch', 'seq', 64]);
  });

  it('checks Reshape element counts, Split sums, LayerNorm scale shapes and Gather index types', () => {
    const g = new GraphBuilder()
      .input('x', 'float32', [2, 6])
      .initializer('bad', int64([4, 4]), [2])
      .initializer('sizes', int64([2, 2]), [2])
      .initializer('gamma', f32(5), [5])
      .initializer('fidx', f32(2), [2]);
    expect(() => g.node('Reshape', ['x', 'bad'], ['r'], {}, { name: 'r' })).toThrow("Reshape 'r': cannot reshape [2,6] (12 elements) to [4,4]");
    expect(() => g.node('Split', ['x', 'sizes'], ['s1', 's2'], { axis: 1 }, { name: 's' })).toThrow('split sizes [2,2] do not sum to dim 6');
    expect(() => g.node('LayerNormalization', ['x', 'gamma'], ['ln'], {}, { name: 'ln' })).toThrow('scale shape [5] does not match normalised dims [6]');
    expect(() => g.node('Gather', ['x', 'fidx'], ['gx'], {}, { name: 'g' })).toThrow('indices must be int32/int64, got float32');
  });

  it('checks declared outputs against inferred ones and refuses redefinitions', () => {
    const g = new GraphBuilder().input('x', 'float32', [2, 3]).node('Relu', ['x'], ['y']);
    expect(() => g.output('y', 'float32', [2, 4])).toThrow("output 'y': declared [2,4], inferred [2,3]");
    expect(() => g.node('Tanh', ['x'], ['y'])).toThrow("value 'y' is defined twice");
    expect(() => new GraphBuilder().input('x', 'float32', [1]).build()).toThrow('graph has no outputs');
  });

  it('serialises a graph whose parsed interface matches the declaration, with the ai.onnx.ml opset', () => {
    const bytes = new GraphBuilder({ opset: 17 })
      .input('X', 'float32', ['N', 2])
      .node('TreeEnsembleClassifier', ['X'], ['label', 'probabilities'], {
        classlabels_int64s: [0, 1], nodes_treeids: [0], nodes_nodeids: [0], nodes_featureids: [0], nodes_modes: ['LEAF'],
        nodes_values: [0], nodes_truenodeids: [0], nodes_falsenodeids: [0], class_treeids: [0], class_nodeids: [0],
        class_ids: [1], class_weights: [0.5], post_transform: 'LOGISTIC',
      }, { domain: 'ai.onnx.ml' })
      .output('label').output('probabilities')
      .toBytes();
    const m = parseOnnxModel(bytes);
    expect(m.inputs).toEqual([{ name: 'X', dtype: 'float32', dims: ['N', 2] }]);
    expect(m.outputs).toEqual([{ name: 'label', dtype: 'int64', dims: ['N'] }, { name: 'probabilities', dtype: 'float32', dims: ['N', 2] }]);
    expect(m.opsets).toEqual([{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }]);
    expect(m.opTypes).toEqual(['ai.onnx.ml:TreeEnsembleClassifier']);
  });
});
