// Named errors of SFT / LoRA / DPO training (CONVENTIONS #6): a stable `kind` for tests and UI, the file line or
// field that caused it, and a remedy saying what to do next. Nothing half-trained is returned on these.

export type TrainErrorKind =
  | 'bad-row' | 'empty-data' | 'missing-template' | 'template-not-prefix' | 'foreign-checkpoint' | 'incompatible-resume'
  | 'bad-lora-target' | 'non-finite' | 'invalid-spec' | 'reward-failed' | 'bad-eval-suite';

const remedies: Record<TrainErrorKind, string> = {
  'bad-row': 'Fix or drop the named line. SFT rows are Alpaca ({"instruction", "input"?, "output"}), prompt/completion, or chat ({"messages": [{role, content}]} / ShareGPT {"conversations": [{from, value}]}) with at least one assistant turn; DPO rows are {"prompt"?, "chosen", "rejected"} (strings or message lists).',
  'empty-data': 'Give a data file with at least one row (JSONL: one JSON object per line, or a JSON array).',
  'missing-template': 'The model has no chat template (tokenizer_config.json "chat_template" or chat_template.jinja) and the data is chat-formatted. Add a chat template to the model folder, or set "template": "plain" in the spec to use the plain "### User / ### Assistant" template.',
  'template-not-prefix': 'The chat template renders an earlier turn differently once later turns are added, so the loss mask cannot be placed. Use "template": "plain", or a template whose rendering of a conversation prefix is a prefix of the whole.',
  'foreign-checkpoint': 'Resume only from a checkpoint of the same base model (same weights sha256). Point "resumeFrom" at a checkpoint this model wrote, or start without it.',
  'incompatible-resume': 'Resume with the spec the checkpoint was written with (same method, LoRA settings, data and batch size), or start a new run.',
  'bad-lora-target': 'Name LoRA targets by the family table roles the model has (listed in the message), e.g. ["q", "v"] for Llama or ["qkv"] for GPT-2.',
  'non-finite': 'Lower the learning rate (or beta for DPO) and restart from the last good checkpoint.',
  'bad-eval-suite': 'Name eval suites as heldout/harmful, heldout/benign, heldout/edgy, heldout/tasks, handwritten/harmful, handwritten/edgy, handwritten/tasks, or give the path of a .jsonl file with one {"prompt", "label"?, "answer"?} object per line (in the browser: add the file, its text goes in the request\'s evalTexts).',
  'reward-failed': 'Every completion of a GRPO step lost its reward: fix the named reward function (its last failure is quoted) or its options, or drop it from grpo.rewards.',
  'invalid-spec': 'Fix the named field of the training spec (see README "Training (SFT/LoRA/DPO/GRPO)").',
};

export class TrainError extends Error {
  override readonly name = 'TrainError';
  readonly kind: TrainErrorKind;
  readonly remedy: string;
  constructor(kind: TrainErrorKind, detail: string, options?: { cause?: unknown }) {
    super(`Training refused (${kind}): ${detail}. ${remedies[kind]}`, options);
    this.kind = kind;
    this.remedy = remedies[kind];
  }
}
