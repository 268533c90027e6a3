#!/usr/bin/python3
"""Fills the seed corpora of fuzz_pt_mask and fuzz_torch_module from the committed fixtures
(written by torch.save and torch.jit.save). Modules past scripts/fuzz's -max_len of 8192 bytes
are left out, since a cut zip loses its central directory. torch.jit.save deflates the
TorchScript source, so two modules are also stored uncompressed: there, byte mutations reach the
source and its debug pickle instead of breaking the deflate stream."""
import glob
import os
import shutil
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
MAX_LEN = 8192


def corpus(target):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    return path


# Inputs known to fail inside LibTorch would only be counted again at every run.
KNOWN_FAILURES = (
    "bad_libtorch_crash.pt", "bad_unpickler_underflow.pt", "bad_huge_string.pt", "bad_memo_index.pt")

for path in sorted(glob.glob(os.path.join(FIXTURES, "masks", "*.pt"))):
    if os.path.basename(path) not in KNOWN_FAILURES:
        shutil.copy(path, corpus("fuzz_pt_mask"))

modules = corpus("fuzz_torch_module")
for path in sorted(glob.glob(os.path.join(FIXTURES, "modules", "*.pt"))):
    if os.path.basename(path) not in KNOWN_FAILURES and os.path.getsize(path) <= MAX_LEN:
        shutil.copy(path, modules)
for name in ("causal", "s2_even_g"):
    source = zipfile.ZipFile(os.path.join(FIXTURES, "modules", name + ".pt"))
    with zipfile.ZipFile(os.path.join(modules, name + "_stored.pt"), "w", zipfile.ZIP_STORED) as out:
        for entry in source.infolist():
            out.writestr(zipfile.ZipInfo(entry.filename, entry.date_time), source.read(entry.filename))
