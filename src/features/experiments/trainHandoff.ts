// A dataset another page hands to the training panel (the curation page's "Train on this dataset"): held in memory
// for this tab only, never in the link or in storage (it can be megabytes, and it is the user's data). The panel
// reads it when it mounts on #/experiments and clears it once shown, so a later visit starts from the defaults.
export interface HandedTrainData {
  /** File name shown in the panel and written to the run's spec (`data`). */
  name: string;
  /** JSONL in a format the trainer reads (train/data.ts). */
  text: string;
  /** The page it came from, for the panel's note. */
  from: string;
}

let pending: HandedTrainData | null = null;

export const offerTrainData = (data: HandedTrainData): void => { pending = data; };
export const pendingTrainData = (): HandedTrainData | null => pending;
export const clearTrainData = (): void => { pending = null; };
