"""Fine-tunes the whole expression model (face-api's expression net + the trained head) on FER2013.

Why Python: training the net's convolutions needs filter gradients, which tfjs's WASM backend does not
have and its pure-JS backend runs at ~16 CPU-hours an epoch here; tfjs-node cannot be installed
offline. Debian's python3-torch (1.13, CPU) can: this script is the only Python in the repository and
is not needed to run, test or deploy anything. It writes weights the device loads with tfjs
(models/src/expression-net.ts, expression-head.ts); the model is the same graph, op for op.

    python3 models/train/fine-tune-net.py --pixels /tmp/ft --start-head /tmp/ft/start --out /tmp/run \
        [--epochs 5] [--seed 19]

--pixels: folder with train.u8/.json and validation.u8/.json (export-pixels.ts).
--start-head: the head trained on the shipped net's frozen features (train-head.ts), where training
starts; the one that shipped before the fine-tuning is in git at e3233fe (models/weights/).
Writes <out>/expression-net.json + .bin (extractor and base dense layer, float32, tfjs weights
manifest with face-api's names), <out>/expression-head.json + .bin (the head, its format) and
<out>/fine-tune.log.json (options, per-epoch validation figures, validation logits of the last epoch).
"""

import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACE_API_MODEL = os.path.join(ROOT, "..", "node_modules", "@vladmandic", "face-api", "model")
EXPRESSIONS = ["angry", "disgusted", "fearful", "happy", "neutral", "sad", "surprised"]
FACE_API_ORDER = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
VALENCE = {"angry": 2, "disgusted": 2, "fearful": 2, "sad": 2, "happy": 0, "neutral": 1, "surprised": 1}
MEAN_RGB = [122.782, 117.001, 104.298]
SIDE, INPUT = 48, 112


# ---- weights in tfjs's format ---------------------------------------------------------------------

def read_tfjs(manifest_path):
    """name → float32 array, dequantising uint8 weights as tfjs does (min + scale × q)."""
    with open(manifest_path) as f:
        groups = json.load(f)
    out = {}
    for group in groups:
        data = b"".join(open(os.path.join(os.path.dirname(manifest_path), p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"]))
            q = w.get("quantization")
            if q:
                raw = np.frombuffer(data, np.uint8, n, offset).astype(np.float64)
                value = (q["min"] + q["scale"] * raw).astype(np.float32)
                offset += n
            else:
                value = np.frombuffer(data, np.float32, n, offset).copy()
                offset += 4 * n
            out[w["name"]] = value.reshape(w["shape"])
    return out


def write_tfjs(weights, directory, name):
    """float32 weights with a tfjs weights manifest (face-api's loadFromDisk reads it)."""
    entries, blobs = [], []
    for key, value in weights.items():
        array = np.ascontiguousarray(value, dtype=np.float32)
        entries.append({"name": key, "shape": list(array.shape), "dtype": "float32"})
        blobs.append(array.tobytes())
    with open(os.path.join(directory, f"{name}.bin"), "wb") as f:
        f.write(b"".join(blobs))
    with open(os.path.join(directory, f"{name}.json"), "w") as f:
        json.dump([{"paths": [f"{name}.bin"], "weights": entries}], f, indent=1)


def read_head(directory, name="expression-head"):
    with open(os.path.join(directory, f"{name}.json")) as f:
        manifest = json.load(f)
    floats = np.fromfile(os.path.join(directory, f"{name}.bin"), np.float32)
    offset = 0

    def take(n):
        nonlocal offset
        offset += n
        return floats[offset - n:offset]

    mean, scale = take(manifest["inputs"]), take(manifest["inputs"])
    layers = [(take(l["inputs"] * l["outputs"]).reshape(l["inputs"], l["outputs"]), take(l["outputs"]))
              for l in manifest["layers"]]
    assert offset == len(floats) and manifest["addShipped"] and len(layers) == 2
    if "net" in manifest:
        raise SystemExit(f"{directory}: this head belongs to a fine-tuned net; start from a head of "
                         "train-head.ts on the shipped net (--start-head)")
    return manifest, mean, scale, layers


def write_head(directory, manifest, mean, scale, layers):
    parts = [mean, scale] + [a for w, b in layers for a in (w, b)]
    np.concatenate([np.asarray(p, np.float32).ravel() for p in parts]).tofile(
        os.path.join(directory, "expression-head.bin"))
    with open(os.path.join(directory, "expression-head.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


# ---- the model: face-api's denseBlock4 × 4, then the head ----------------------------------------

class Separable(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Parameter(torch.zeros(cin, 1, 3, 3))
        self.pointwise = nn.Parameter(torch.zeros(cout, cin, 1, 1))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x, stride):
        x = same_pad(x, stride)
        x = F.conv2d(x, self.depthwise, stride=stride, groups=x.shape[1])
        return F.conv2d(x, self.pointwise, self.bias)


def same_pad(x, stride):
    # TensorFlow's 'same' for a 3×3 kernel: stride 1 pads 1 each side; stride 2 on an even side pads
    # only after (0 before, 1 after).
    return F.pad(x, (1, 1, 1, 1) if stride == 1 else (0, 1, 0, 1))


class DenseBlock(nn.Module):
    def __init__(self, cin, cout, first):
        super().__init__()
        self.first = first
        if first:
            self.conv0_filters = nn.Parameter(torch.zeros(cout, cin, 3, 3))
            self.conv0_bias = nn.Parameter(torch.zeros(cout))
        else:
            self.conv0 = Separable(cin, cout)
        self.conv1, self.conv2, self.conv3 = (Separable(cout, cout) for _ in range(3))

    def forward(self, x):
        if self.first:
            out1 = F.relu(F.conv2d(same_pad(x, 2), self.conv0_filters, self.conv0_bias, stride=2))
        else:
            out1 = F.relu(self.conv0(x, 2))
        out2 = self.conv1(out1, 1)
        out3 = self.conv2(F.relu(out1 + out2), 1)
        out4 = self.conv3(F.relu(out1 + out2 + out3), 1)
        return F.relu(out1 + out2 + out3 + out4)


class ExpressionModel(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.blocks = nn.ModuleList([DenseBlock(3, 32, True), DenseBlock(32, 64, False),
                                     DenseBlock(64, 128, False), DenseBlock(128, 256, False)])
        self.fc_weights = nn.Parameter(torch.zeros(256, 7))
        self.fc_bias = nn.Parameter(torch.zeros(7))
        self.register_buffer("mean", torch.zeros(2688))
        self.register_buffer("scale", torch.ones(2688))
        self.register_buffer("mean_rgb", torch.tensor(MEAN_RGB).view(1, 3, 1, 1))
        self.register_buffer("columns", torch.tensor([FACE_API_ORDER.index(e) for e in EXPRESSIONS]))
        self.hidden = nn.Linear(2688, 256)
        self.out = nn.Linear(256, 7)
        self.dropout = nn.Dropout(dropout)

    def features(self, grey):
        """[n, 112, 112] grey 0..255 → [n, 2688] as expression-features.ts lays them out."""
        x = (grey.unsqueeze(1).expand(-1, 3, -1, -1) - self.mean_rgb) / 255
        d0 = self.blocks[0](x)
        d1 = self.blocks[1](d0)
        d2 = self.blocks[2](d1)
        d3 = self.blocks[3](d2)
        n = grey.shape[0]
        grid = F.avg_pool2d(d3, 3, 2).permute(0, 2, 3, 1).reshape(n, -1)  # NHWC order, as tfjs
        return torch.cat([d3.mean((2, 3)), grid, d2.mean((2, 3))], 1)

    def forward(self, grey):
        f = self.features(grey)
        base = (f[:, :256] @ self.fc_weights + self.fc_bias)[:, self.columns]
        h = self.dropout(F.relu(self.hidden((f - self.mean) / self.scale)))
        return base + self.out(h)

    def load_start(self, net, head):
        """The shipped net (tfjs layouts: HWIO filters) and the trained head, as the device runs them."""
        _, mean, scale, [(w1, b1), (w2, b2)] = head
        with torch.no_grad():
            for i, block in enumerate(self.blocks):
                p = f"dense{i}/"
                if block.first:
                    block.conv0_filters.copy_(torch.from_numpy(net[p + "conv0/filters"]).permute(3, 2, 0, 1))
                    block.conv0_bias.copy_(torch.from_numpy(net[p + "conv0/bias"]))
                for j, sep in enumerate([None if block.first else block.conv0, block.conv1, block.conv2, block.conv3]):
                    if sep is None:
                        continue
                    q = f"{p}conv{j}/"
                    sep.depthwise.copy_(torch.from_numpy(net[q + "depthwise_filter"]).permute(2, 3, 0, 1))
                    sep.pointwise.copy_(torch.from_numpy(net[q + "pointwise_filter"]).permute(3, 2, 0, 1))
                    sep.bias.copy_(torch.from_numpy(net[q + "bias"]))
            self.fc_weights.copy_(torch.from_numpy(net["fc/weights"]))
            self.fc_bias.copy_(torch.from_numpy(net["fc/bias"]))
            self.mean.copy_(torch.from_numpy(mean))
            self.scale.copy_(torch.from_numpy(scale))
            self.hidden.weight.copy_(torch.from_numpy(w1).T)
            self.hidden.bias.copy_(torch.from_numpy(b1))
            self.out.weight.copy_(torch.from_numpy(w2).T)
            self.out.bias.copy_(torch.from_numpy(b2))

    def export_net(self):
        """Back to tfjs names and layouts."""
        out = {}
        for i, block in enumerate(self.blocks):
            p = f"dense{i}/"
            if block.first:
                out[p + "conv0/filters"] = block.conv0_filters.detach().permute(2, 3, 1, 0).numpy()
                out[p + "conv0/bias"] = block.conv0_bias.detach().numpy()
            for j, sep in enumerate([None if block.first else block.conv0, block.conv1, block.conv2, block.conv3]):
                if sep is None:
                    continue
                q = f"{p}conv{j}/"
                out[q + "depthwise_filter"] = sep.depthwise.detach().permute(2, 3, 0, 1).numpy()
                out[q + "pointwise_filter"] = sep.pointwise.detach().permute(2, 3, 1, 0).numpy()
                out[q + "bias"] = sep.bias.detach().numpy()
        out["fc/weights"] = self.fc_weights.detach().numpy()
        out["fc/bias"] = self.fc_bias.detach().numpy()
        return out

    def export_head(self):
        return [(self.hidden.weight.detach().T.numpy(), self.hidden.bias.detach().numpy()),
                (self.out.weight.detach().T.numpy(), self.out.bias.detach().numpy())]


# ---- input: tfjs's resizeBilinear (no corner alignment, no half-pixel centres), as face-api does --

def resize_matrix(start, extent, size_in=SIDE, size_out=INPUT):
    """[size_out, size_in]: output pixel i samples start + i × extent / size_out, bilinearly, clamped."""
    src = start + torch.arange(size_out, dtype=torch.float32) * (extent / size_out)
    src = src.clamp(0, size_in - 1)
    low = src.floor().long()
    high = (low + 1).clamp(max=size_in - 1)
    frac = src - low.float()
    m = torch.zeros(size_out, size_in)
    m[torch.arange(size_out), low] += 1 - frac
    m[torch.arange(size_out), high] += frac
    return m


PLAIN = resize_matrix(0.0, float(SIDE))


def to_input(pixels, generator=None):
    """[n, 48, 48] uint8 → [n, 112, 112] float; with a generator, a random crop (85–100 % of the
    side, shifted) mirrored half of the time, as extract-features.ts's jitter view."""
    x = pixels.float()
    if generator is None:
        return PLAIN @ x @ PLAIN.T
    n = x.shape[0]
    r = torch.rand(n, 4, generator=generator)
    side = (0.85 + 0.15 * r[:, 0]) * SIDE
    top, left = r[:, 1] * (SIDE - side), r[:, 2] * (SIDE - side)
    rows = torch.stack([resize_matrix(float(t), float(s)) for t, s in zip(top, side)])
    cols = torch.stack([resize_matrix(float(l), float(s)) for l, s in zip(left, side)])
    flip = r[:, 3] < 0.5
    cols[flip] = cols[flip].flip(1)
    return rows @ x @ cols.transpose(1, 2)


# ---- training ------------------------------------------------------------------------------------

def load_split(folder, name):
    with open(os.path.join(folder, f"{name}.json")) as f:
        meta = json.load(f)
    assert meta["classes"] == EXPRESSIONS and meta["side"] == SIDE
    pixels = np.fromfile(os.path.join(folder, f"{name}.u8"), np.uint8).reshape(-1, SIDE, SIDE)
    return torch.from_numpy(pixels), torch.tensor(meta["labels"])


def logits_of(model, pixels, batch=64):
    """Eval mode, face and mirror image averaged (as the device does)."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(pixels), batch):
            x = to_input(pixels[start:start + batch])
            out.append((model(x) + model(x.flip(2))) / 2)
    return torch.cat(out)


def scores(logits, labels):
    predicted = logits.argmax(1)
    valence = torch.tensor([VALENCE[e] for e in EXPRESSIONS])
    recall = {e: float((predicted[labels == i] == i).float().mean()) for i, e in enumerate(EXPRESSIONS)}
    return {
        "accuracy7": float((predicted == labels).float().mean()),
        "accuracy3": float((valence[predicted] == valence[labels]).float().mean()),
        "recall": recall,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pixels", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--start-head", required=True,
                        help="folder with a head of train-head.ts on the shipped net (expression-head.*)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.0005)
    parser.add_argument("--head-lr", type=float, default=0.0005)
    parser.add_argument("--weight-decay", type=float, default=0.0001)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--class-weight", type=float, default=0.5)
    parser.add_argument("--valence-weight", type=float, default=1.0)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N faces (timing)")
    parser.add_argument("--check-only", action="store_true", help="validation of the starting model")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y = load_split(args.pixels, "train")
    val_x, val_y = load_split(args.pixels, "validation")
    if args.limit:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    model = ExpressionModel(args.dropout)
    start_head = read_head(args.start_head)
    model.load_start(read_tfjs(os.path.join(FACE_API_MODEL, "face_expression_model-weights_manifest.json")),
                     start_head)
    log = {"options": vars(args), "start": scores(logits_of(model, val_x), val_y), "epochs": []}
    print(json.dumps({"start": log["start"]}), flush=True)
    if args.check_only:
        return

    counts = torch.bincount(train_y, minlength=7).float()
    class_weights = (len(train_y) / counts) ** args.class_weight
    class_weights = class_weights / (class_weights[train_y].mean())
    membership = torch.zeros(7, 3)
    for i, e in enumerate(EXPRESSIONS):
        membership[i, VALENCE[e]] = 1
    head_params = list(model.hidden.parameters()) + list(model.out.parameters())
    net_params = [p for n, p in model.named_parameters() if not n.startswith(("hidden.", "out."))]
    optimiser = torch.optim.AdamW([{"params": net_params, "lr": args.lr},
                                   {"params": head_params, "lr": args.head_lr}],
                                  weight_decay=args.weight_decay)
    steps = args.epochs * math.ceil(len(train_y) / args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / 200) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        started, total = time.time(), 0.0
        for b, start in enumerate(range(0, len(order), args.batch)):
            idx = order[start:start + args.batch]
            x, y = to_input(train_x[idx], generator), train_y[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y, reduction="none", label_smoothing=args.label_smoothing)
            if args.valence_weight:
                group = torch.log_softmax(logits, 1).exp() @ membership
                loss = loss - args.valence_weight * torch.log(group[torch.arange(len(y)), membership[y].argmax(1)] + 1e-7)
            loss = (loss * class_weights[y]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss)
            if b % 50 == 0:
                print(f"epoch {epoch + 1} batch {b} loss {total / (b + 1):.4f} "
                      f"{(start + len(idx)) / (time.time() - started):.0f} faces/s", flush=True)
        val_logits = logits_of(model, val_x)
        entry = {"epoch": epoch + 1, "loss": total / (b + 1), "seconds": time.time() - started,
                 **scores(val_logits, val_y)}
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        manifest = {**start_head[0], "net": "expression-net", "temperature": 1, "info": {
            "trainedOn": f"FER2013 Training ({len(train_y)} faces, random crops and mirror images); "
                         f"reported on PublicTest ({len(val_y)})",
            "script": "models/train/fine-tune-net.py, then calibrate-net.ts (temperature)",
            "startedFrom": "face-api's expression net and the head of train-head.ts",
            "options": vars(args), "epoch": epoch + 1}}
        write_tfjs(model.export_net(), args.out, "expression-net")
        write_head(args.out, manifest, model.mean.numpy(), model.scale.numpy(), model.export_head())
        log["validationLogits"] = val_logits.tolist()
        with open(os.path.join(args.out, "fine-tune.log.json"), "w") as f:
            json.dump(log, f)


if __name__ == "__main__":
    main()
