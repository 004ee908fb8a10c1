// The contract between the shell and a module's UI. A module exists in the app exactly when
// `src/features/<id>/index.tsx` exports `feature`; the shell then lists it in the navigation.
import type { ComponentType } from 'react';
import type { ModuleId } from '../state/modules';
import type { AnySpec } from '../state/specs';
import type { RunRecord } from '../core/experiments/record';
import type { EvidenceDraft } from '../core/assurance/types';

export interface RunResult {
  /** small scalars for the history list */
  summary: Record<string, string | number>;
  /** digest of the full result: a share link carries it and a re-run is compared against it */
  digest?: string;
  /** the run record (src/core/experiments/record.ts) where the panel writes one: "Save to history" stores it, the Experiments page compares it */
  record?: RunRecord;
  /** assurance evidence this run produced (src/core/assurance/emit): the shell writes it to the evidence ledger, linked to this run */
  evidence?: EvidenceDraft[];
}

export interface FeaturePanelProps<S extends AnySpec = AnySpec> {
  spec: S;
  onSpecChange: (spec: S) => void;
  /** call when a run finishes, so the shell can offer "save to history" and put the digest into the link */
  onResult: (result: RunResult) => void;
  /** digest the opened link expects (when opened from a link that carried one) */
  expectedDigest?: string;
}

export interface FeatureModule<S extends AnySpec = AnySpec> {
  id: ModuleId;
  title: string;
  summary: string;
  /** order in the navigation */
  order: number;
  Panel: ComponentType<FeaturePanelProps<S>>;
}
