#!/usr/bin/python3
"""Writes the seed files of the fuzz_tensor_file target: q, k, v in each format it reads, through
the fixture generator's writers (tests/fixtures/tensors/make_tensors.py), much smaller."""
import io
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ beside the fixtures
sys.path.insert(0, os.path.join(HERE, "..", "fixtures", "tensors"))
import make_tensors  # noqa: E402

out = os.path.join(HERE, "corpus", "fuzz_tensor_file")
os.makedirs(out, exist_ok=True)
shape = (1, 2, 2, 2)
qkv = {part: make_tensors.values(shape, c) for part, c in make_tensors.PART_OFFSET.items()}
gqa = dict(qkv, k=qkv["k"][:, :, :1], v=qkv["v"][:, :, :1])


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


buf = io.BytesIO()
np.save(buf, np.stack([qkv["q"], qkv["k"], qkv["v"]], axis=2))
write("packed.npy", buf.getvalue())
buf = io.BytesIO()
np.save(buf, np.asfortranarray(qkv["q"]).astype(np.float16))
write("fortran_f16.npy", buf.getvalue())
for name, save in (("stored.npz", np.savez), ("compressed.npz", np.savez_compressed)):
    buf = io.BytesIO()
    save(buf, **qkv)
    write(name, buf.getvalue())
write("zip64.npz", make_tensors.zip64_npz_bytes(qkv))
write("f32.safetensors", make_tensors.safetensors_bytes(make_tensors.torch_dict(qkv), metadata={"format": "pt"}))
write("bf16_gqa.safetensors", make_tensors.safetensors_bytes(make_tensors.torch_dict(gqa, torch.bfloat16)))
write("layers.safetensors", make_tensors.safetensors_bytes(
    {f"layers.{layer}.{part}": torch.from_numpy(array) for layer in range(2) for part, array in qkv.items()}))
