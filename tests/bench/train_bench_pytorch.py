# The PyTorch baseline of train_bench: the lab's model (core/torch/lab_run.cpp) written with
# torch.nn.functional, the same shapes, mask and Adam. Reads "threads batch n heads d_model layers
# vocab steps" lines on stdin, times `steps` training steps after a warm-up and answers with the
# CPU seconds per step; the interpreter and the import are paid once, not timed.
import math
import sys
import time

import torch
import torch.nn.functional as F


def make_model(vocab, n, d, layers, gen):
    def normal(*shape, std=0.02):
        return (torch.randn(*shape, generator=gen) * std).requires_grad_()

    def const(size, value):
        return torch.full((size,), float(value)).requires_grad_()

    residual = 0.02 / math.sqrt(2 * layers)
    model = {"token": normal(vocab, d), "position": normal(n, d), "blocks": []}
    for _ in range(layers):
        model["blocks"].append([const(d, 1), const(d, 0), normal(3 * d, d), const(3 * d, 0),
                                normal(d, d, std=residual), const(d, 0), const(d, 1), const(d, 0),
                                normal(4 * d, d), const(4 * d, 0), normal(d, 4 * d, std=residual),
                                const(d, 0)])
    model["final"] = [const(d, 1), const(d, 0), normal(vocab, d), const(vocab, 0)]
    return model


def parameters(model):
    yield model["token"]
    yield model["position"]
    for block in model["blocks"]:
        yield from block
    yield from model["final"]


def forward(model, tokens, additive, heads):
    b, n = tokens.shape
    x = F.embedding(tokens, model["token"]) + model["position"]
    d = x.shape[-1]
    for ln1w, ln1b, qkvw, qkvb, outw, outb, ln2w, ln2b, upw, upb, downw, downb in model["blocks"]:
        h = F.layer_norm(x, (d,), ln1w, ln1b)
        qkv = F.linear(h, qkvw, qkvb).view(b, n, 3, heads, d // heads)
        q, k, v = (qkv.select(2, i).transpose(1, 2) for i in range(3))
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(d // heads)
        attended = torch.matmul(torch.softmax(scores + additive, -1), v)
        x = x + F.linear(attended.transpose(1, 2).reshape(b, n, d), outw, outb)
        h = F.layer_norm(x, (d,), ln2w, ln2b)
        x = x + F.linear(F.gelu(F.linear(h, upw, upb)), downw, downb)
    lnw, lnb, headw, headb = model["final"]
    return F.linear(F.layer_norm(x, (d,), lnw, lnb), headw, headb)


def time_steps(threads, batch, n, heads, d, layers, vocab, steps):
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    model = make_model(vocab, n, d, layers, gen)
    adam = torch.optim.Adam(list(parameters(model)), lr=3e-3)
    additive = torch.full((n, n), float("-inf")).triu(1).expand(heads, n, n)

    def step():
        tokens = torch.randint(0, vocab, (batch, n), generator=gen)
        adam.zero_grad()
        logits = forward(model, tokens, additive, heads)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, vocab), tokens[:, 1:].reshape(-1))
        loss.item()
        loss.backward()
        adam.step()

    for _ in range(5):
        step()
    start = time.process_time()
    for _ in range(steps):
        step()
    return (time.process_time() - start) / steps


for line in sys.stdin:
    print(time_steps(*map(int, line.split())), flush=True)
