"""Runs the TabICL replica's check cases through TabICL's own torch modules and compares with the TS reference.

Usage: python bench/tabicl-arch-torch-check.py CASES.json TABICL_SRC
  CASES.json  from `npx tsx bench/tabicl-arch-torch-check.ts CASES.json`
  TABICL_SRC  the `src` folder of a soda-inria/tabicl checkout (read at 8f1aa2098c894ab91dba15209cf2002ba4be6c6c);
              its tabicl/_model needs torch, einops, tqdm and psutil importable (any stand-ins for the last three).
Loads each case's weights with load_state_dict(strict=True) (so the replica's initializer names are exactly the
state dict's), runs TabICL.forward in eval mode with use_amp off in every InferenceConfig stage (AMP on CPU
autocasts to bfloat16, ~1e-2 off), and prints the largest |torch - reference| and the torch logits (rounded to 1e-6:
the golden values in src/core/tabular/tfm/formats/tabiclArch.test.ts).
"""
import json
import sys

import torch

sys.path.insert(0, sys.argv[2])
from tabicl._model.tabicl import TabICL  # noqa: E402
from tabicl._model.inference_config import InferenceConfig  # noqa: E402

KEYS = ['embed_dim', 'col_num_blocks', 'col_nhead', 'col_num_inds', 'col_feature_group_size', 'row_num_blocks', 'row_nhead',
        'row_num_cls', 'row_rope_base', 'row_rope_interleaved', 'icl_num_blocks', 'icl_nhead', 'ff_factor', 'max_classes']
gold = []
for c in json.load(open(sys.argv[1])):
    m = TabICL(**{k: c['config'][k] for k in KEYS})
    m.load_state_dict({k: torch.tensor(v['data'], dtype=torch.float32).reshape(v['dims']) for k, v in c['weights'].items()}, strict=True)
    m.eval()
    ic = InferenceConfig()
    for stage in (ic.COL_CONFIG, ic.ROW_CONFIG, ic.ICL_CONFIG):
        stage.use_amp = False
    with torch.no_grad():
        out = m(torch.tensor(c['X'], dtype=torch.float32), torch.tensor(c['y'], dtype=torch.float32), inference_config=ic)
    ref = torch.tensor(c['logits'], dtype=torch.float32)
    print(f"shape {tuple(out.shape)}: max |torch - TS reference| = {(out - ref).abs().max().item():.3g} (logits up to {ref.abs().max().item():.3g})")
    gold.append([round(float(v), 6) for v in out.flatten()])
print('torch logits:', json.dumps(gold))
