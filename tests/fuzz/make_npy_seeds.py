#!/usr/bin/python3
"""Writes the seed .npy files of the fuzz_npy target with numpy.save, the way users write masks."""
import os

import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_npy")
os.makedirs(out, exist_ok=True)
causal = np.tril(np.ones((4, 4), dtype=bool))
np.save(os.path.join(out, "bool_causal.npy"), causal)
np.save(os.path.join(out, "uint8_heads.npy"), np.stack([causal, causal.T]).astype(np.uint8))
np.save(os.path.join(out, "int64_batch.npy"), causal.astype(np.int64)[None, None])
additive = np.where(causal, 0.0, -np.inf).astype(np.float32)
np.save(os.path.join(out, "float32_additive.npy"), additive)
weights = causal / causal.sum(axis=1, keepdims=True)
np.save(os.path.join(out, "float64_weights.npy"), weights)
np.save(os.path.join(out, "fortran_order.npy"), np.asfortranarray(np.triu(np.ones((3, 3), dtype=np.int16))))
np.save(os.path.join(out, "int8_wide.npy"), np.ones((2, 3), dtype=np.int8))
# Format 2.0 (4-byte header length), as numpy writes for very long headers.
with open(os.path.join(out, "version2.npy"), "wb") as f:
    np.lib.format.write_array(f, causal.astype(np.int32), version=(2, 0))
# Index lists (lint --indices): blocks or keys per query, -1 as padding.
np.save(os.path.join(out, "int64_block_indices.npy"), np.array([[0, -1], [0, 1], [1, 0], [2, 0]], dtype=np.int64))
np.save(os.path.join(out, "int32_token_indices.npy"), np.array([[[0, -1, -1], [1, 0, -1], [2, 1, 5]]], dtype=np.int32))
