#!/usr/bin/python3
"""Writes zoo_masks.json: expected cells of the sparse-attention variants at small N, computed
from the index predicates of each paper (the research spec's sections 2, 4 and 6), independently
of the C++ core. Run: /usr/bin/python3 tests/golden/zoo_masks.py > tests/golden/zoo_masks.json"""
import json
import math


def rows_of(n, allowed):
    return ["".join(("#" if k <= q else "X") if allowed(q, k) else "." for k in range(n))
            for q in range(n)]


def case(name, variant, n, heads, params, per_head, note):
    out = {"name": name, "variant": variant, "n": n, "h": heads, "policy": "causal",
           "params": params, "note": note, "per_head": []}
    for h in range(heads):
        rows = rows_of(n, lambda q, k: per_head(h, q, k))
        leaks = [[q, k] for q in range(n) for k in range(n) if rows[q][k] == "X"]
        out["per_head"].append({"head": h, "allowed": sum(r.count("#") + r.count("X") for r in rows),
                                "leaks": leaks, "rows": rows})
    return out


def fixb_segment(i, n, g, s):
    # LongLoRA flash-path cu_seqlens for the shifted row: [0, s, s+G, ...] then N.
    starts = [0] + [b for b in range(s, n, g) if b > 0]
    return max(j for j, b in enumerate(starts) if b <= i)


def rolled_frame_causal(n, g, shift):
    slot = lambda t: (t + shift) % n
    return lambda q, k: slot(q) // g == slot(k) // g and slot(k) <= slot(q)


cases = []
N = 16

cases.append(case("window_w4", "window", N, 2, {"window": 4},
                  lambda h, q, k: 0 <= q - k < 4, "0 <= q-k < W"))
cases.append(case("block_local_b4", "block", N, 2, {"block": 4},
                  lambda h, q, k: q // 4 == k // 4 and k <= q, "q//B == k//B and k <= q"))
cases.append(case("block_shifted_b4", "block", N, 2, {"block": 4, "layout": "shifted"},
                  lambda h, q, k: (q // 4 == k // 4 and k <= q) if h == 0 or q // 4 < h
                  else k // 4 == q // 4 - h,
                  "head h: key block q//B - h (own block, causal, when there is none)"))
cases.append(case("dilated_causal_w2_d2", "dilated", N, 1, {"window": 2, "dilation": 2},
                  lambda h, q, k: 0 <= q - k <= 4 and (q - k) % 2 == 0,
                  "spec 8.2 Longformer autoregressive dilated window"))
cases.append(case("dilated_bidirectional_global0", "dilated", N, 1,
                  {"window": 2, "dilation": 1, "global": [0], "bidirectional": True},
                  lambda h, q, k: abs(q - k) <= 2 or q == 0 or k == 0,
                  "spec 8.2 Longformer bidirectional window w=2 + global token {0}"))
cases.append(case("dilated_causal_global3", "dilated", N, 1,
                  {"window": 1, "dilation": 3, "global": [3]},
                  lambda h, q, k: k <= q and ((q - k) in (0, 3) or q == 3 or k == 3),
                  "causal window with a global token ANDed with k <= q"))
cases.append(case("strided_l4", "strided", N, 2, {"stride": 4},
                  lambda h, q, k: (0 <= q - k < 4) if h % 2 == 0 else (k <= q and (q - k) % 4 == 0),
                  "spec 6.3; union is the spec 8.2 strided mask"))
cases.append(case("fixed_l4_c1", "fixed", N, 2, {"stride": 4, "c": 1},
                  lambda h, q, k: k <= q and ((k // 4 == q // 4) if h % 2 == 0 else k % 4 >= 3),
                  "spec 6.3; union is the spec 8.2 fixed mask"))
rand = {1: 4, 2: 5, 3: 6, 4: 1, 5: 2, 6: 3}
cases.append(case("bigbird_b2_fixed_random", "bigbird", N, 1,
                  {"block": 2, "random": 1, "rand-blocks": [4, 5, 6, 1, 2, 3]},
                  lambda h, q, k: q // 2 in (0, 7) or k // 2 in (0, 7) or abs(q // 2 - k // 2) <= 1
                  or rand.get(q // 2) == k // 2,
                  "spec 8.2 BigBird ITC with the fixed random map"))


def longnet(h, q, k, H=4, pairs=((4, 1), (8, 2), (16, 4))):
    if k > q:
        return False
    for w, r in pairs:
        off = h // math.ceil(H / r)
        if q // w == k // w and (q % w) % r == off and (k % w) % r == off:
            return True
    return False


cases.append(case("longnet_h4", "longnet", N, 4, {"segments": [4, 8, 16], "ratios": [1, 2, 4]},
                  longnet, "spec 6.4 / 8.2 (heads 0 and 3 printed there)"))
cases.append(case("streaming_s2_w4", "streaming", N, 1, {"sinks": 2, "window": 4},
                  lambda h, q, k: k <= q and (k < 2 or q - k < 4), "spec 8.2 StreamingLLM-style mask"))
cases.append(case("sf_r1_sinks1", "sf", N, 2, {"g": 4, "sinks": 1},
                  lambda h, q, k: q < 1 or k < 1 or (
                      (q // 4 == k // 4) if h == 0 else fixb_segment(q, N, 4, 2) == fixb_segment(k, N, 4, 2))
                  and k <= q,
                  "head 0 is spec 8.2's SinkLoRA-style mask; head 1 is FIX B plus the sink"))
cases.append(case("sf_r1_sinks2_causal", "sf", N, 2, {"g": 4, "sinks": 2, "sink-causal": True},
                  lambda h, q, k: k <= q and (q < 2 or k < 2 or (
                      (q // 4 == k // 4) if h == 0 else fixb_segment(q, N, 4, 2) == fixb_segment(k, N, 4, 2))),
                  "sink rows and columns intersected with the causal triangle"))
roll = rolled_frame_causal(N, 4, -2)
cases.append(case("sf_r2_p075", "sf", N, 4, {"g": 4, "sinks": 1, "reading": "r2", "proportion": 0.75},
                  lambda h, q, k: q < 1 or k < 1 or (
                      (q // 4 == k // 4 and k <= q) if h < 3 else roll(q, k)),
                  "heads h < H*p pattern 1, the rest the rolled pattern 2 (its wrap leaks)"))

def flash(cu_seqlens, left, right, causal):
    # flash_attn_varlen_func: a query reads keys of its own packed sequence only, within
    # [q - left, q + right] (-1 = unbounded), and none after itself with causal=True.
    def allowed(h, q, k):
        seq = lambda t: max(j for j, b in enumerate(cu_seqlens[:-1]) if b <= t)
        return (seq(q) == seq(k) and not (causal and k > q)
                and not (left >= 0 and k < q - left) and not (right >= 0 and k > q + right))
    return allowed


cases.append(case("flash_packed_causal_left3", "flash", N, 1,
                  {"cu-seqlens": [0, 5, 11, 16], "window-size": [3, -1], "causal": True},
                  flash([0, 5, 11, 16], 3, -1, True), "flash-attention docstring: same sequence, window, causal"))
cases.append(case("flash_window_2_2", "flash", N, 1, {"window-size": [2, 2]},
                  flash([0, 16], 2, 2, False), "window_size=(2, 2) without causal reads 2 keys ahead"))

print(json.dumps({"about": "Generated by zoo_masks.py from the index predicates; rows: '#' allowed, "
                  "'X' allowed but key after query (a leak under the causal policy), '.' masked.",
                  "cases": cases}, indent=1))
