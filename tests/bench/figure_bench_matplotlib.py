# The matplotlib baseline of figure_bench: the same two-head heatmap (imshow, viridis, grey for
# masked cells, colorbar, 7 in wide, PNG at the same dpi). Reads one weights file per line on
# stdin, renders it, answers "done"; the interpreter and the import are paid once, not timed.
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

for line in sys.stdin:
    weights_path, out_path, dpi = line.split()
    w = np.load(weights_path)  # (heads, n, n), NaN where masked
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#d0d0d0")
    fig, axes = plt.subplots(1, w.shape[0], figsize=(7, 3.6), constrained_layout=True)
    for h, ax in enumerate(np.atleast_1d(axes)):
        im = ax.imshow(w[h], cmap=cmap, vmin=0, vmax=np.nanmax(w), interpolation="nearest")
        ax.set_title(f"head {h}")
        ax.set_xlabel("key (column)")
        ax.set_ylabel("query (row)")
    fig.colorbar(im, ax=axes, label="attention weight")
    fig.savefig(out_path, dpi=int(dpi))
    plt.close(fig)
    print("done", flush=True)
