// The TFM as an ONNX graph (opset 17) built with the project's GraphBuilder, op for op the jax-js forward of
// model.ts, so the two agree to float32 rounding (tfm parity test). Contract (also in models/tfm/config.json):
//   x_context float32 [batch, n_ctx, n_feat], y_context int64 [batch, n_ctx], x_query float32 [batch, n_query, n_feat]
//   → probs float32 [batch, n_query, K]
// n_feat ≤ F is dynamic: the graph slices the first n_feat rows of the input projections, which equals padding
// the features with zeros to F slots (a zero column standardises to 0 and is never missing). NaN = missing:
// detected as x ≠ x (no IsNaN needed), zeroed and fed as an indicator. Classes absent from y_context get −1e9.
import { GraphBuilder, int64 } from '../../runtime/onnx/builder';
import type { HostParams, TfmConfig } from './config';
import { tfmParamSpecs } from './config';

const f32 = (v: number): Float32Array => Float32Array.of(v);

export function buildTfmOnnx(c: TfmConfig, params: HostParams): Uint8Array {
  const g = new GraphBuilder({ opset: 17, name: 'tfm', producer: 'workbench-tfm-forge',
    docString: 'Prior-fitted network for in-context tabular classification (workbench embedded tfm).' });
  g.input('x_context', 'float32', ['batch', 'n_ctx', 'n_feat'])
    .input('y_context', 'int64', ['batch', 'n_ctx'])
    .input('x_query', 'float32', ['batch', 'n_query', 'n_feat']);
  for (const s of tfmParamSpecs(c)) {
    const t = params.get(s.name);
    if (!t) throw new Error(`TFM parameter ${s.name} is missing`);
    g.initializer(s.name, t.data, s.shape);
  }
  const H = c.nHead;
  const hd = c.dModel / H;
  g.initializer('c.zero', f32(0), []).initializer('c.one', f32(1), []).initializer('c.varEps', f32(c.varEps), [])
    .initializer('c.clipHi', f32(c.clip), []).initializer('c.clipLo', f32(-c.clip), []).initializer('c.big', f32(1e9), [])
    .initializer('c.scale', f32(1 / Math.sqrt(hd)), []).initializer('c.half', f32(0.5), [])
    .initializer('c.gelu', f32(0.044715), []).initializer('c.sqrt2pi', f32(Math.sqrt(2 / Math.PI)), [])
    .initializer('c.axis1', int64([1]), [1]).initializer('c.zero1', int64([0]), [1])
    .initializer('c.heads', int64([0, 0, H, hd]), [4]).initializer('c.merge', int64([0, 0, c.dModel]), [3])
    .initializer('c.eyeK', Float32Array.from({ length: c.maxClasses ** 2 }, (_, i) => (i % (c.maxClasses + 1) === 0 ? 1 : 0)), [c.maxClasses, c.maxClasses]);

  // Missing values and per-feature standardisation by the context's observed values.
  for (const s of ['context', 'query'] as const) {
    const x = `x_${s}`;
    g.node('Equal', [x, x], [`${s}.ok`]) // false exactly where NaN
      .node('Cast', [`${s}.ok`], [`${s}.obs`], { to: 1 }) // [B,N,f] 1 = observed
      .node('Where', [`${s}.ok`, x, 'c.zero'], [`${s}.x0`])
      .node('Sub', ['c.one', `${s}.obs`], [`${s}.miss`]);
  }
  g.node('ReduceSum', ['context.obs', 'c.axis1'], ['std.cnt0'], { keepdims: 1 }) // [B,1,f]
    .node('Max', ['std.cnt0', 'c.one'], ['std.cnt'])
    .node('Mul', ['context.x0', 'context.obs'], ['std.xo'])
    .node('ReduceSum', ['std.xo', 'c.axis1'], ['std.sum'], { keepdims: 1 })
    .node('Div', ['std.sum', 'std.cnt'], ['std.mean']) // [B,1,f]
    .node('Sub', ['context.x0', 'std.mean'], ['std.dc0'])
    .node('Mul', ['std.dc0', 'context.obs'], ['std.dc']) // [B,Nc,f]
    .node('Mul', ['std.dc', 'std.dc'], ['std.sq'])
    .node('ReduceSum', ['std.sq', 'c.axis1'], ['std.ss'], { keepdims: 1 })
    .node('Div', ['std.ss', 'std.cnt'], ['std.var'])
    .node('Add', ['std.var', 'c.varEps'], ['std.var1'])
    .node('Sqrt', ['std.var1'], ['std.sd'])
    .node('Div', ['c.one', 'std.sd'], ['std.inv']) // [B,1,f]
    .node('Mul', ['std.dc', 'std.inv'], ['context.z0'])
    .node('Sub', ['query.x0', 'std.mean'], ['query.dc'])
    .node('Mul', ['query.dc', 'std.inv'], ['query.z0']);
  for (const s of ['context', 'query'] as const) {
    g.node('Max', [`${s}.z0`, 'c.clipLo'], [`${s}.z1`]).node('Min', [`${s}.z1`, 'c.clipHi'], [`${s}.z2`])
      .node('Mul', [`${s}.z2`, `${s}.obs`], [`${s}.z`]);
  }

  // Row embeddings: the first n_feat rows of the projections (= zero-padding to F slots).
  g.node('Shape', ['x_context'], ['emb.nf'], { start: 2, end: 3 })
    .node('Slice', ['embed.x.weight', 'c.zero1', 'emb.nf', 'c.zero1'], ['emb.wx']) // [f,d]
    .node('Slice', ['embed.missing.weight', 'c.zero1', 'emb.nf', 'c.zero1'], ['emb.wm']);
  for (const s of ['context', 'query'] as const) {
    g.node('MatMul', [`${s}.z`, 'emb.wx'], [`${s}.ex`]).node('MatMul', [`${s}.miss`, 'emb.wm'], [`${s}.em`])
      .node('Add', [`${s}.ex`, `${s}.em`], [`${s}.exm`]).node('Add', [`${s}.exm`, 'embed.bias'], [`${s}.e`]);
  }
  g.node('Gather', ['embed.y.weight', 'y_context'], ['emb.y']) // [B,Nc,d] = one-hot(y) @ Wy
    .node('Add', ['context.e', 'emb.y'], ['ctx.0'])
    .node('Identity', ['query.e'], ['qry.0']);

  const linear = (x: string, w: string, out: string) => g.node('MatMul', [x, `${w}.weight`], [`${out}.mm`]).node('Add', [`${out}.mm`, `${w}.bias`], [out]);
  const ln = (x: string, w: string, out: string) => g.node('LayerNormalization', [x, `${w}.weight`, `${w}.bias`], [out], { axis: -1, epsilon: c.lnEps });
  const attend = (q: string, k: string, v: string, out: string) => {
    g.node('Reshape', [q, 'c.heads'], [`${out}.q4`]).node('Transpose', [`${out}.q4`], [`${out}.qh`], { perm: [0, 2, 1, 3] }) // [B,H,Nq,hd]
      .node('Reshape', [k, 'c.heads'], [`${out}.k4`]).node('Transpose', [`${out}.k4`], [`${out}.kh`], { perm: [0, 2, 3, 1] }) // [B,H,hd,Nc]
      .node('Reshape', [v, 'c.heads'], [`${out}.v4`]).node('Transpose', [`${out}.v4`], [`${out}.vh`], { perm: [0, 2, 1, 3] }) // [B,H,Nc,hd]
      .node('MatMul', [`${out}.qh`, `${out}.kh`], [`${out}.s0`]).node('Mul', [`${out}.s0`, 'c.scale'], [`${out}.s`]) // [B,H,Nq,Nc]
      .node('Softmax', [`${out}.s`], [`${out}.p`], { axis: -1 })
      .node('MatMul', [`${out}.p`, `${out}.vh`], [`${out}.z`]) // [B,H,Nq,hd]
      .node('Transpose', [`${out}.z`], [`${out}.zt`], { perm: [0, 2, 1, 3] }).node('Reshape', [`${out}.zt`, 'c.merge'], [out]); // [B,Nq,d]
  };
  const gelu = (x: string, out: string) => g.node('Mul', [x, x], [`${out}.x2`]).node('Mul', [`${out}.x2`, x], [`${out}.x3`])
    .node('Mul', [`${out}.x3`, 'c.gelu'], [`${out}.cx3`]).node('Add', [x, `${out}.cx3`], [`${out}.in0`])
    .node('Mul', [`${out}.in0`, 'c.sqrt2pi'], [`${out}.in`]).node('Tanh', [`${out}.in`], [`${out}.t`])
    .node('Add', [`${out}.t`, 'c.one'], [`${out}.t1`]).node('Mul', [x, 'c.half'], [`${out}.hx`]).node('Mul', [`${out}.hx`, `${out}.t1`], [out]);
  const mlp = (x: string, l: number, out: string) => {
    ln(x, `layers.${l}.ln2`, `${out}.h`);
    linear(`${out}.h`, `layers.${l}.mlp.fc`, `${out}.fc`);
    gelu(`${out}.fc`, `${out}.act`);
    linear(`${out}.act`, `layers.${l}.mlp.proj`, out);
  };

  let ctx = 'ctx.0';
  let qry = 'qry.0';
  for (let l = 0; l < c.nLayer; l++) {
    const w = `layers.${l}`;
    const last = l === c.nLayer - 1;
    ln(ctx, `${w}.ln1`, `${w}.hc`);
    ln(qry, `${w}.ln1`, `${w}.hq`);
    linear(`${w}.hc`, `${w}.attn.k`, `${w}.kc`);
    linear(`${w}.hc`, `${w}.attn.v`, `${w}.vc`);
    linear(`${w}.hq`, `${w}.attn.q`, `${w}.qq`);
    attend(`${w}.qq`, `${w}.kc`, `${w}.vc`, `${w}.aq`); // query rows over context rows only
    linear(`${w}.aq`, `${w}.attn.o`, `${w}.oq`);
    g.node('Add', [qry, `${w}.oq`], [`${w}.qmid`]);
    mlp(`${w}.qmid`, l, `${w}.mq`);
    g.node('Add', [`${w}.qmid`, `${w}.mq`], [`${w}.qout`]);
    qry = `${w}.qout`;
    if (last) break; // the last layer's context rows only serve as keys/values
    linear(`${w}.hc`, `${w}.attn.q`, `${w}.qc`);
    attend(`${w}.qc`, `${w}.kc`, `${w}.vc`, `${w}.ac`); // context rows over context rows
    linear(`${w}.ac`, `${w}.attn.o`, `${w}.oc`);
    g.node('Add', [ctx, `${w}.oc`], [`${w}.cmid`]);
    mlp(`${w}.cmid`, l, `${w}.mc`);
    g.node('Add', [`${w}.cmid`, `${w}.mc`], [`${w}.cout`]);
    ctx = `${w}.cout`;
  }
  ln(qry, 'ln_f', 'out.h');
  linear('out.h', 'head', 'out.logits'); // [B,Nq,K]
  g.node('Gather', ['c.eyeK', 'y_context'], ['out.yoh']) // [B,Nc,K]
    .node('ReduceSum', ['out.yoh', 'c.axis1'], ['out.cnt'], { keepdims: 1 }) // [B,1,K]
    .node('Min', ['out.cnt', 'c.one'], ['out.present'])
    .node('Sub', ['out.present', 'c.one'], ['out.absent']) // 0 present, −1 absent
    .node('Mul', ['out.absent', 'c.big'], ['out.bias'])
    .node('Add', ['out.logits', 'out.bias'], ['out.masked'])
    .node('Softmax', ['out.masked'], ['probs'], { axis: -1 })
    .output('probs', 'float32', ['batch', 'n_query', c.maxClasses]);
  return g.toBytes();
}
