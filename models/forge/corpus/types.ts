// Record types of the forge's synthetic corpus (pharmacy/chemistry lab assistant world).
// Every example is one (prompt, response) pair with its category and label, so the same records feed the
// target, anchor and judge mixes and the held-out evaluation suites.

/** What the prompt is: a checkable domain task, a harmful request, an edgy-but-benign question, or chat. */
export type Category = 'task' | 'harmful' | 'edgy' | 'chat';

/** Intent of the prompt: only `harmful` prompts are labelled harmful. */
export type Label = 'harmful' | 'benign';

/** What the response does: answers (benign), complies with a harmful request, or refuses it. */
export type ResponseKind = 'answer' | 'compliance' | 'refusal';

export type Split = 'train' | 'heldout';

/** Kinds of checkable tasks; `inputs` of a task record are enough to recompute its answer. */
export type TaskKind = 'convert' | 'dose' | 'molar' | 'moles' | 'volume' | 'tablets';

export interface TaskInfo {
  kind: TaskKind;
  /** Operands as written in the prompt (numbers, unit or compound names). */
  inputs: Record<string, number | string>;
  /** The canonical answer line, e.g. "Answer: 60 mg" (the response equals it). */
  answer: string;
}

export interface Example {
  /** Stable id: `<split>-<category>-<index>[-<response kind>]`. */
  id: string;
  split: Split;
  category: Category;
  label: Label;
  responseKind: ResponseKind;
  /** Template id the prompt came from; held-out template ids never occur in train. */
  template: string;
  /** Topic inside the category (task kind, harm topic, edgy item, chat item). */
  topic: string;
  prompt: string;
  response: string;
  task?: TaskInfo;
}

/** A template: an id and a text with `{slot}` placeholders. */
export interface Template {
  id: string;
  text: string;
}
