// Adds a user-supplied ONNX TFM as a teacher. A TabPFN v2 or TabICL export is recognised from the .onnx alone
// (src/core/tabular/tfm/formats); any other model needs a small contract JSON (input/output names, limits, label
// dtype, probabilities or logits, categorical input; format in src/core/tabular/tfm/userTfm.ts), and a sidecar JSON
// can tune a real export. The worker checks the model at once, so a mismatch is reported here, naming the model's
// real inputs; an accepted model's line says how categorical columns will reach it (codes or one-hot columns).
import { useState } from 'react';
import { sha256Hex } from '../../core/runtime/loaders';
import type { TabularSpec } from '../../state/specs/tabular';
import type { DataFile, UserTfmLoaded } from './useTabularEngine';
import { InfoIcon } from '../../viz/InfoIcon';

export const CONTRACT_EXAMPLE = '{"format": "workbench-tfm-contract", "version": 1, "name": "my-tfm", "inputs": {"xContext": "x_context", "yContext": "y_context", "xQuery": "x_query"}, "output": "probs", "maxClasses": 10, "categoricalEncoding": "onehot"}';

/** How the accepted model gets categorical columns, in words. */
export function categoricalInputLabel(encoding: UserTfmLoaded['categoricalEncoding']): string {
  return encoding === 'codes' ? 'categoricals as one column of integer codes each' : 'categoricals as one-hot columns';
}

export function UserTeacherPicker({ spec, set, load }: {
  spec: TabularSpec;
  set: (patch: Partial<TabularSpec>) => void;
  load: (onnx: DataFile, contract: string) => Promise<UserTfmLoaded>;
}) {
  const [onnx, setOnnx] = useState<DataFile>();
  const [message, setMessage] = useState<{ ok: boolean; text: string; loaded?: UserTfmLoaded }>();

  /** Without a JSON file the worker recognises the export by its inputs ('' = auto-detect). */
  const register = async (model: DataFile | undefined, contractFile: File | undefined) => {
    if (!model) return;
    try {
      const loaded = await load(model, contractFile ? await contractFile.text() : '');
      set({ userTeacher: { name: loaded.name, sha256: model.sha256 }, teachers: spec.teachers.includes('user') ? spec.teachers : [...spec.teachers, 'user'] });
      setMessage({ ok: true, text: `Teacher "${loaded.name}" (${model.name}) is ready.`, loaded });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="toolbar" data-testid="user-teacher">
      <span>your own ONNX TFM:</span>
      <label className="button">model .onnx
        <input type="file" hidden accept=".onnx" data-testid="user-tfm-onnx" onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void f.arrayBuffer().then(async (b) => {
            const bytes = new Uint8Array(b);
            const model = { name: f.name, bytes, sha256: await sha256Hex(bytes) };
            setOnnx(model);
            setMessage(undefined);
            await register(model, undefined);
          });
        }} />
      </label>
      <label className="button">contract / sidecar .json
        <input type="file" hidden accept=".json" data-testid="user-tfm-contract" disabled={!onnx} onChange={(e) => void register(onnx, e.target.files?.[0])} />
      </label>
      {onnx && !message && <span className="muted">{onnx.name}: recognising its format…</span>}
      {spec.userTeacher && !onnx && <span className="muted">this link used "{spec.userTeacher.name}" (sha256 {spec.userTeacher.sha256.slice(0, 12)}…): choose the same files</span>}
      {message && <span className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="user-tfm-message">{message.text}</span>}
      {message?.loaded && (
        <span className="muted" data-testid="user-tfm-categorical" data-encoding={message.loaded.categoricalEncoding}
          title={'"categoricalEncoding" in the contract or sidecar JSON: "codes" or "onehot" (the workbench contract\'s default; TabPFN v2 / TabICL default to "codes")'}>
          {message.loaded.format}: {categoricalInputLabel(message.loaded.categoricalEncoding)}
        </span>
      )}
      <span className="muted" title={CONTRACT_EXAMPLE}>contract format <InfoIcon /></span>
    </div>
  );
}
