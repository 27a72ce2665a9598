#!/usr/bin/env python3
"""Pretrains the reference Siamese network on LFW dev-train people and exports it for tf.js.

The architecture is exactly src/model/siamese.ts with the default config (38,964,545 parameters):
input 100x100x3 in [0,1]; Conv 64@10x10 relu, MaxPool 2x2/2 'same', Conv 128@7x7 relu, MaxPool,
Conv 128@4x4 relu, MaxPool, Conv 256@4x4 relu, Flatten, Dense 4096 sigmoid (one tower shared by both
inputs); |e1 - e2| -> Dense 1 sigmoid.

Data: the packs written by scripts/pretrain/pack-lfw.mjs (train.bin: every photo of the
people-dev-train people; test.bin: the pairs-dev-test photos, used for evaluation only).

Training: each step takes P people with >= 2 photos (two distinct photos each, a fresh draw every
step; an epoch is one pass over those people in a seeded random order) plus S photos of any
dev-train person, augments every photo on the device, and scores P same-person pairs and P*k
different-person pairs drawn within the batch; the loss is the mean of the positive and negative BCE
means (balanced). AdamW, linear warm-up then cosine decay over a wall-clock budget, dropout on the
flattened conv features during training only (the exported architecture is unchanged); bf16
autocast on CUDA. Resumable from --checkpoint (full state) or --init-from (a tf.js export, weights only).

Outputs in --out: model.json + group1-shard*of*.bin (tf.js layers format, uint8 affine
quantization per tensor unless --export-dtype says otherwise), metrics.json (evaluation of the
fp32 and the dequantized weights, raw-pixel baseline; dev-test accuracy both at the threshold
fitted on pairs-dev-train and with a 10-fold threshold fitted on dev-test pairs themselves), curves.csv, probe.bin (a few uint8 inputs
whose fp32 and dequantized predictions metrics.json records, for the tf.js equality check).

    python3 scripts/pretrain/pretrain_gpu.py --data .pretrain-data --out OUT --train-seconds 360
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_PARAMS = 38_964_545


# ----------------------------------------------------------------------------------------- model
class Tower(nn.Module):
    """The shared embedding tower. Flattens in NHWC order (h, w, c) like tf.js, so the dense kernel
    maps to tf.js's [in, out] by a plain transpose and no row permutation is needed."""

    def __init__(self, filters=(64, 128, 128, 256), kernels=(10, 7, 4, 4), input_size=100, embedding=4096, dropout=0.0):
        super().__init__()
        # Training-time only (identity in eval mode): not part of the exported architecture.
        self.dropout = nn.Dropout(dropout)
        chans = (3,) + tuple(filters)
        self.convs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], kernels[i]) for i in range(4))
        # MaxPool2d(2, 2, ceil_mode=True) == tf 'same' max-pool with window 2, stride 2.
        self.pool = nn.MaxPool2d(2, 2, ceil_mode=True)
        s = input_size
        for i, k in enumerate(kernels):
            s = s - k + 1
            if i < 3:
                s = math.ceil(s / 2)
        self.final_size = s
        self.dense = nn.Linear(s * s * filters[3], embedding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: [B, 3, H, W] in [0, 1]
        for i, conv in enumerate(self.convs):
            x = F.relu(conv(x))
            if i < 3:
                x = self.pool(x)
        x = x.permute(0, 2, 3, 1).flatten(1)  # NHWC flatten, as tf.layers.flatten does
        return torch.sigmoid(self.dense(self.dropout(x)).float())


class Siamese(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.tower = Tower(**kw)
        self.classifier = nn.Linear(self.tower.dense.out_features, 1)

    def logits(self, e1: torch.Tensor, e2: torch.Tensor) -> torch.Tensor:
        return self.classifier((e1 - e2).abs().float()).squeeze(-1)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(self.tower(a), self.tower(b)))


def keras_init(model: nn.Module) -> None:
    """Keras/tf.js defaults: glorot_uniform kernels, zero biases."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ------------------------------------------------------------------------------ tf.js conversion
def tfjs_tensors(model: Siamese) -> dict[str, np.ndarray]:
    """Weights in tf.js layout, keyed by the names tf.js saves (see topology.json)."""
    out: dict[str, np.ndarray] = {}
    for i, conv in enumerate(model.tower.convs):
        out[f"conv{i + 1}/kernel"] = conv.weight.detach().float().cpu().permute(2, 3, 1, 0).numpy()  # [kh,kw,in,out]
        out[f"conv{i + 1}/bias"] = conv.bias.detach().float().cpu().numpy()
    out["dense_embedding/kernel"] = model.tower.dense.weight.detach().float().cpu().t().numpy()  # [in,out]
    out["dense_embedding/bias"] = model.tower.dense.bias.detach().float().cpu().numpy()
    out["classifier/kernel"] = model.classifier.weight.detach().float().cpu().t().numpy()
    out["classifier/bias"] = model.classifier.bias.detach().float().cpu().numpy()
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def load_tfjs_tensors(model: Siamese, tensors: dict[str, np.ndarray]) -> None:
    with torch.no_grad():
        for i, conv in enumerate(model.tower.convs):
            conv.weight.copy_(torch.from_numpy(tensors[f"conv{i + 1}/kernel"]).permute(3, 2, 0, 1))
            conv.bias.copy_(torch.from_numpy(tensors[f"conv{i + 1}/bias"]))
        model.tower.dense.weight.copy_(torch.from_numpy(tensors["dense_embedding/kernel"]).t())
        model.tower.dense.bias.copy_(torch.from_numpy(tensors["dense_embedding/bias"]))
        model.classifier.weight.copy_(torch.from_numpy(tensors["classifier/kernel"]).t())
        model.classifier.bias.copy_(torch.from_numpy(tensors["classifier/bias"]))


def quantize_uint8(w: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Affine uint8 quantization as tfjs-converter does it: the range is widened to hold 0, and min
    is nudged so that 0 is exactly representable. tf.js dequantizes v * scale + min."""
    lo = min(0.0, float(w.min()))
    hi = max(0.0, float(w.max()))
    if hi == lo:
        return np.zeros(w.shape, np.uint8), 1.0, 0.0
    scale = (hi - lo) / 255.0
    zero_point = round(-lo / scale)
    nudged_min = -zero_point * scale
    nudged_max = 255 * scale + nudged_min
    q = np.round((np.clip(w.astype(np.float64), nudged_min, nudged_max) - nudged_min) / scale)
    return q.astype(np.uint8), scale, nudged_min


def dequantize_uint8(q: np.ndarray, scale: float, minimum: float) -> np.ndarray:
    # tf.js computes v * scale + min in double precision and stores it in a Float32Array.
    return (q.astype(np.float64) * scale + minimum).astype(np.float32)


def export_tfjs(model: Siamese, out_dir: str, dtype: str = "uint8", shards: int = 3) -> dict[str, np.ndarray]:
    """Writes model.json + group1-shard{i}of{n}.bin. Returns the weights as tf.js will decode them."""
    with open(os.path.join(HERE, "topology.json")) as f:
        topo = json.load(f)
    tensors = tfjs_tensors(model)
    entries, blobs, decoded = [], [], {}
    for spec in topo["weightSpecs"]:
        name, shape = spec["name"], spec["shape"]
        w = tensors[name]
        if list(w.shape) != shape:
            raise ValueError(f"{name}: torch gives shape {list(w.shape)}, tf.js expects {shape}")
        entry = {"name": name, "shape": shape, "dtype": "float32"}
        if dtype == "uint8":
            q, scale, minimum = quantize_uint8(w)
            entry["quantization"] = {"dtype": "uint8", "scale": scale, "min": minimum}
            blobs.append(q.tobytes())
            decoded[name] = dequantize_uint8(q, scale, minimum)
        elif dtype == "float16":
            h = w.astype(np.float16)
            entry["quantization"] = {"dtype": "float16"}
            blobs.append(h.tobytes())
            decoded[name] = h.astype(np.float32)
        elif dtype == "float32":
            blobs.append(w.astype("<f4").tobytes())
            decoded[name] = w
        else:
            raise ValueError(f"unknown export dtype {dtype!r}: expected uint8, float16 or float32")
        entries.append(entry)
    data = b"".join(blobs)
    n = max(1, min(shards, len(data)))
    size = math.ceil(len(data) / n)
    paths = []
    os.makedirs(out_dir, exist_ok=True)
    for i in range(n):
        p = f"group1-shard{i + 1}of{n}.bin"
        with open(os.path.join(out_dir, p), "wb") as f:
            f.write(data[i * size:(i + 1) * size])
        paths.append(p)
    model_json = {
        "format": "layers-model",
        "generatedBy": topo["generatedBy"],
        "convertedBy": "scripts/pretrain/pretrain_gpu.py",
        "modelTopology": topo["modelTopology"],
        "weightsManifest": [{"paths": paths, "weights": entries}],
    }
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(model_json, f)
    return decoded


def read_tfjs(model_json_path: str) -> dict[str, np.ndarray]:
    """Reads a tf.js layers export (float32, float16 or uint8) back to float32 arrays."""
    base = os.path.dirname(model_json_path)
    with open(model_json_path) as f:
        mj = json.load(f)
    out = {}
    for group in mj["weightsManifest"]:
        data = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        off = 0
        for e in group["weights"]:
            n = int(np.prod(e["shape"])) if e["shape"] else 1
            q = e.get("quantization")
            if q is None:
                a = np.frombuffer(data, "<f4", n, off).reshape(e["shape"]); off += 4 * n
            elif q["dtype"] == "uint8":
                a = dequantize_uint8(np.frombuffer(data, np.uint8, n, off), q["scale"], q["min"]).reshape(e["shape"]); off += n
            elif q["dtype"] == "float16":
                a = np.frombuffer(data, "<f2", n, off).astype(np.float32).reshape(e["shape"]); off += 2 * n
            else:
                raise ValueError(f"{e['name']}: unsupported quantization {q['dtype']}")
            out[e["name"]] = np.array(a, np.float32)
    return out


# ------------------------------------------------------------------------------------------ data
def load_pack(data_dir: str, name: str, limit: int = 0) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    with open(os.path.join(data_dir, f"{name}.json")) as f:
        index = json.load(f)
    blob = open(os.path.join(data_dir, f"{name}.bin"), "rb").read()
    images = index["images"][:limit] if limit > 0 else index["images"]

    def decode(im):
        arr = np.asarray(Image.open(io.BytesIO(blob[im["offset"]:im["offset"] + im["length"]])).convert("RGB"))
        return arr

    with ThreadPoolExecutor(max_workers=min(16, os.cpu_count() or 1)) as ex:
        arrays = list(ex.map(decode, images))
    x = np.stack(arrays)  # [N, H, W, 3] uint8
    person = np.array([im["person"] for im in images], np.int64)
    return x, person, [im["path"] for im in images], index["people"]


def pack_crop_words(data_dir: str) -> str:
    """How pack-lfw.mjs cropped the photos (packs before --crop existed hold whole photos)."""
    with open(os.path.join(data_dir, "train.json")) as f:
        index = json.load(f)
    if index.get("crop", "photo") == "photo":
        return "whole 250x250 photo"
    return f"the app's face crop, whole photo where no face was found ({len(index.get('noFace', []))} photos)"


def read_pairs(path: str, lookup: dict[str, int], limit: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lefts, rights, same = [], [], []
    with open(path) as f:
        next(f)
        for line in f:
            l, r, s = line.rstrip("\n").split("\t")
            if l in lookup and r in lookup:
                lefts.append(lookup[l]); rights.append(lookup[r]); same.append(int(s))
    a = (np.array(lefts), np.array(rights), np.array(same))
    if limit > 0:  # keep both classes when testing on a subset
        pos, neg = np.flatnonzero(a[2] == 1)[: limit // 2], np.flatnonzero(a[2] == 0)[: limit - limit // 2]
        keep = np.sort(np.concatenate([pos, neg]))
        a = tuple(v[keep] for v in a)
    return a


def to_input(x_u8: torch.Tensor) -> torch.Tensor:
    """uint8 NHWC -> float NCHW in [0,1] (channels_last memory)."""
    return x_u8.permute(0, 3, 1, 2).float().div_(255.0).contiguous(memory_format=torch.channels_last)


# ---------------------------------------------------------------------------------- augmentation
def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random flip, shift/scale/rotation jitter, brightness, contrast, saturation, colour cast,
    blur and noise, each drawn per image. x: [B, 3, H, W] in [0,1]."""
    b, _, h, w = x.shape
    dev = x.device

    def u(lo, hi, *shape):
        return torch.rand(*(shape or (b,)), generator=gen, device=dev) * (hi - lo) + lo

    # geometry: flip, scale 0.9..1.1, shift +-6 %, rotation +-8 degrees
    flip = torch.where(torch.rand(b, generator=gen, device=dev) < 0.5, -1.0, 1.0)
    scale = u(0.9, 1.1)
    ang = u(-8, 8) * math.pi / 180
    tx, ty = u(-0.06, 0.06), u(-0.06, 0.06)
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    # photometric
    x = x + u(-0.1, 0.1).view(b, 1, 1, 1)  # brightness
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * u(0.6, 1.0).view(b, 1, 1, 1) + mean  # contrast
    gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
    x = (x - gray) * u(0.9, 1.0).view(b, 1, 1, 1) + gray  # saturation
    x = x * u(0.93, 1.07, b, 3).view(b, 3, 1, 1)  # colour cast (per-channel gain)
    # blur on ~30 % of images: separable Gaussian, sigma 0.4..1.2, per image
    sigma = torch.where(torch.rand(b, generator=gen, device=dev) < 0.3, u(0.4, 1.2), torch.zeros(b, device=dev))
    r = torch.arange(-2, 3, device=dev, dtype=x.dtype)
    k = torch.exp(-(r.view(1, 5) ** 2) / (2 * sigma.clamp_min(1e-3).view(b, 1) ** 2))
    k = (k / k.sum(1, keepdim=True)).repeat_interleave(3, 0)  # [3B, 5]
    xb = x.reshape(1, b * 3, h, w)
    xb = F.conv2d(F.pad(xb, (2, 2, 0, 0), mode="replicate"), k.view(b * 3, 1, 1, 5), groups=b * 3)
    xb = F.conv2d(F.pad(xb, (0, 0, 2, 2), mode="replicate"), k.view(b * 3, 1, 5, 1), groups=b * 3)
    x = xb.view(b, 3, h, w)
    # sensor noise, std 0..0.03
    x = x + torch.randn(x.shape, generator=gen, device=dev) * u(0, 0.03).view(b, 1, 1, 1)
    return x.clamp_(0, 1).contiguous(memory_format=torch.channels_last)


# ------------------------------------------------------------------------------------ evaluation
def mean_or_none(a: np.ndarray):
    return float(a.mean()) if len(a) else None


def fmt(v) -> str:
    return "" if v is None else f"{v:.4f}"


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Mann-Whitney AUC with average ranks for ties."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s)); r[order] = ranks
    pos = labels == 1
    n1, n0 = pos.sum(), (~pos).sum()
    if n1 == 0 or n0 == 0:
        return None
    return float((r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Threshold t (predict same when score > t) with the best accuracy; midpoint between scores."""
    s = np.unique(scores)
    cands = np.concatenate([[s[0] - 1e-6], (s[1:] + s[:-1]) / 2, [s[-1] + 1e-6]])
    best = (0.0, 0.5)
    for t in cands:
        acc = float(((scores > t) == (labels == 1)).mean())
        if acc > best[0]:
            best = (acc, float(t))
    return best[1], best[0]


def cv_accuracy(scores: np.ndarray, labels: np.ndarray, folds: int = 10) -> float:
    """Accuracy with a threshold fitted on the other folds (stratified: each class dealt round
    the folds in file order): a threshold calibrated on unseen people, unlike the one from
    pairs-dev-train (photos trained on)."""
    fold = np.empty(len(scores), np.int64)
    for cls in (0, 1):
        members = np.flatnonzero((labels == 1) == bool(cls))
        fold[members] = np.arange(len(members)) % folds
    correct = 0
    for f in range(folds):
        test, fit = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        t, _ = best_threshold(scores[fit], labels[fit])
        correct += int(((scores[test] > t) == (labels[test] == 1)).sum())
    return correct / len(scores)


@torch.no_grad()
def embed_all(model: Siamese, x_u8: torch.Tensor, batch: int = 512) -> torch.Tensor:
    model.eval()
    outs = [model.tower(to_input(x_u8[i:i + batch])) for i in range(0, len(x_u8), batch)]
    model.train()
    return torch.cat(outs)


@torch.no_grad()
def pair_scores(model: Siamese, x_u8: torch.Tensor, pairs) -> np.ndarray:
    """Scores of (left, right) index pairs into x_u8; each photo is embedded once."""
    used, inverse = np.unique(np.concatenate([pairs[0], pairs[1]]), return_inverse=True)
    emb = embed_all(model, x_u8[torch.as_tensor(used, device=x_u8.device)])
    li = torch.as_tensor(inverse[: len(pairs[0])], device=emb.device)
    ri = torch.as_tensor(inverse[len(pairs[0]):], device=emb.device)
    return torch.sigmoid(model.logits(emb[li], emb[ri])).double().cpu().numpy()


def evaluate(model: Siamese, data) -> dict:
    """Threshold chosen on pairs-dev-train, applied to pairs-dev-test (people never trained on)."""
    tr = pair_scores(model, data["train_x"], data["pairs_train"])
    te = pair_scores(model, data["test_x"], data["pairs_test"])
    ytr, yte = data["pairs_train"][2], data["pairs_test"][2]
    t, acc_tr = best_threshold(tr, ytr)
    return {
        "threshold_from_dev_train": t,
        "dev_train_pairs": {"n": int(len(ytr)), "acc_at_threshold": acc_tr, "acc_at_0.5": float(((tr > 0.5) == (ytr == 1)).mean()), "auc": roc_auc(tr, ytr)},
        "dev_test_pairs": {"n": int(len(yte)), "acc_at_threshold": float(((te > t) == (yte == 1)).mean()), "acc_at_0.5": float(((te > 0.5) == (yte == 1)).mean()), "auc": roc_auc(te, yte),
                           "acc_10fold_threshold": cv_accuracy(te, yte),
                           "mean_score_same": mean_or_none(te[yte == 1]), "mean_score_diff": mean_or_none(te[yte == 0])},
    }


def raw_pixel_baseline(data) -> dict:
    def scores(x, pairs):
        a = x[pairs[0]].astype(np.float32) / 255
        b = x[pairs[1]].astype(np.float32) / 255
        return -np.abs(a - b).reshape(len(a), -1).mean(1).astype(np.float64)
    tr = scores(data["train_x_np"], data["pairs_train"])
    te = scores(data["test_x_np"], data["pairs_test"])
    ytr, yte = data["pairs_train"][2], data["pairs_test"][2]
    t, acc_tr = best_threshold(tr, ytr)
    return {"score": "-mean |x1 - x2| over 100x100x3 pixels in [0,1]", "threshold_from_dev_train": t,
            "dev_train_pairs": {"acc_at_threshold": acc_tr, "auc": roc_auc(tr, ytr)},
            "dev_test_pairs": {"acc_at_threshold": float(((te > t) == (yte == 1)).mean()), "auc": roc_auc(te, yte),
                               "acc_10fold_threshold": cv_accuracy(te, yte)}}


# -------------------------------------------------------------------------------------- training
class PairSampler:
    """Seeded batches: P people with >= 2 photos (two distinct photos each, people in a fresh
    random order every epoch) + S photos of anyone; P positive and P*k negative pairs within."""

    def __init__(self, person: np.ndarray, people_per_step: int, singles: int, neg_per_pos: int, seed: int):
        self.rng = np.random.default_rng(seed)
        self.person = person
        self.by_person: dict[int, np.ndarray] = {}
        for i, p in enumerate(person):
            self.by_person.setdefault(int(p), []).append(i)
        self.multi = np.array(sorted(p for p, v in self.by_person.items() if len(v) >= 2))
        self.by_person = {p: np.array(v) for p, v in self.by_person.items()}
        self.all_people = np.array(sorted(self.by_person))
        self.P = min(people_per_step, len(self.multi))
        self.S, self.k = singles, neg_per_pos
        self.order, self.pos, self.epoch = np.empty(0, np.int64), 0, 0

    def state(self) -> dict:
        return {"rng": self.rng.bit_generator.state, "order": self.order.tolist(), "pos": self.pos, "epoch": self.epoch}

    def load_state(self, s: dict) -> None:
        self.rng.bit_generator.state = s["rng"]
        self.order, self.pos, self.epoch = np.array(s["order"], np.int64), s["pos"], s["epoch"]

    def next(self):
        if self.pos + self.P > len(self.order):
            self.order, self.pos = self.rng.permutation(self.multi), 0
            self.epoch += 1
        people = self.order[self.pos:self.pos + self.P]
        self.pos += self.P
        idx = []
        for p in people:
            idx.extend(self.rng.choice(self.by_person[int(p)], 2, replace=False))
        for p in self.rng.choice(self.all_people, self.S):  # anyone, people drawn uniformly
            idx.append(self.rng.choice(self.by_person[int(p)]))
        idx = np.array(idx, np.int64)
        n = len(idx)
        pos_a, pos_b = np.arange(0, 2 * self.P, 2), np.arange(1, 2 * self.P, 2)
        want = self.P * self.k
        a, b = self.rng.integers(0, n, 2 * want), self.rng.integers(0, n, 2 * want)
        ok = self.person[idx[a]] != self.person[idx[b]]
        neg_a, neg_b = a[ok][:want], b[ok][:want]
        return idx, pos_a, pos_b, neg_a, neg_b


def lr_at(frac: float, step: int, base: float, warmup: int, final_frac: float = 0.02) -> float:
    """Linear warm-up over `warmup` steps times a cosine decay over the time budget (frac in [0,1])."""
    frac = min(1.0, max(0.0, frac))
    cosine = final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * frac))
    return base * min(1.0, (step + 1) / max(1, warmup)) * cosine


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=".pretrain-data")
    ap.add_argument("--out", default=os.environ.get("OUT", "pretrain-out"))
    ap.add_argument("--train-seconds", type=float, default=400.0, help="wall-clock training budget (total, across resumes)")
    ap.add_argument("--max-steps", type=int, default=0, help="> 0: stop after this many steps as well")
    ap.add_argument("--stop-by", type=float, default=0.0,
                    help="> 0: end training at the latest this many seconds after the script started (leaves time to export under a hard limit)")
    ap.add_argument("--people-per-step", type=int, default=128)
    ap.add_argument("--singles", type=int, default=128)
    ap.add_argument("--neg-per-pos", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--dropout", type=float, default=0.25, help="dropout on the flattened conv features, training only")
    ap.add_argument("--warmup-steps", type=int, default=300)
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--log-every", type=float, default=10.0, help="seconds between loss log rows")
    ap.add_argument("--eval-every", type=float, default=45.0, help="seconds between pair evaluations")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--checkpoint", default="", help="full training state: resumed from if it exists, written at the end")
    ap.add_argument("--init-from", default="", help="a tf.js model.json to start from (weights only)")
    ap.add_argument("--export-dtype", default="uint8", choices=["uint8", "float16", "float32"])
    ap.add_argument("--shards", type=int, default=3)
    ap.add_argument("--limit-images", type=int, default=0, help="> 0: use only the first N photos of each pack (tests)")
    ap.add_argument("--tiny", action="store_true", help="a small network, no export: tests that the training loop learns")
    ap.add_argument("--limit-pairs", type=int, default=0, help="> 0: evaluate only N pairs of each pairs file (tests)")
    args = ap.parse_args(argv)

    t_start = time.time()
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else ("cpu" if args.device == "auto" else args.device))
    cuda = dev.type == "cuda"
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if cuda:
        torch.backends.cudnn.benchmark = True
    else:
        torch.set_num_threads(os.cpu_count() or 1)

    def log(msg):
        print(f"[{time.time() - t_start:7.1f}s] {msg}", flush=True)

    log(f"torch {torch.__version__}, device {torch.cuda.get_device_name(0) if cuda else 'cpu'}")

    # data
    train_x_np, train_person, train_paths, _ = load_pack(args.data, "train", args.limit_images)
    test_x_np, _, test_paths, _ = load_pack(args.data, "test", args.limit_images)
    pairs_train = read_pairs(os.path.join(args.data, "pairs-dev-train.tsv"), {p: i for i, p in enumerate(train_paths)}, args.limit_pairs)
    pairs_test = read_pairs(os.path.join(args.data, "pairs-dev-test.tsv"), {p: i for i, p in enumerate(test_paths)}, args.limit_pairs)
    train_people = {p.split("/")[0] for p in train_paths}
    leaked = [p for p in test_paths if p.split("/")[0] in train_people]
    if leaked:
        raise SystemExit(f"dev-test photos of training people: {leaked[:3]}")
    data = {"train_x": torch.from_numpy(train_x_np).to(dev), "test_x": torch.from_numpy(test_x_np).to(dev),
            "train_x_np": train_x_np, "test_x_np": test_x_np, "pairs_train": pairs_train, "pairs_test": pairs_test}
    log(f"data: {len(train_x_np)} training photos of {len(set(train_person.tolist()))} people; "
        f"{len(pairs_train[0])} dev-train pairs, {len(pairs_test[0])} dev-test pairs ({len(test_x_np)} photos)")

    # model
    arch = {"filters": (8, 16, 16, 32), "embedding": 128} if args.tiny else {}
    model = Siamese(dropout=args.dropout, **arch).to(dev).to(memory_format=torch.channels_last)
    keras_init(model)
    n_params = count_params(model)
    if n_params != REFERENCE_PARAMS and not args.tiny:
        raise SystemExit(f"expected {REFERENCE_PARAMS} parameters, built {n_params}")
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if not n.endswith("weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    sampler = PairSampler(train_person, args.people_per_step, args.singles, args.neg_per_pos, args.seed)
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    step, trained_s = 0, 0.0
    if args.checkpoint and os.path.exists(args.checkpoint):
        ck = torch.load(args.checkpoint, map_location=dev)
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); sampler.load_state(ck["sampler"])
        gen.set_state(ck["gen"].cpu() if not cuda else ck["gen"])
        step, trained_s = ck["step"], ck["trained_s"]
        log(f"resumed {args.checkpoint}: step {step}, {trained_s:.0f}s trained")
    elif args.init_from:
        load_tfjs_tensors(model, read_tfjs(args.init_from))
        log(f"initialised from {args.init_from}")

    curves_path = os.path.join(args.out, "curves.csv")
    new_curves = not step or not os.path.exists(curves_path) or os.path.getsize(curves_path) == 0
    curves = open(curves_path, "w" if new_curves else "a", newline="")
    cw = csv.writer(curves)
    if new_curves:
        cw.writerow(["step", "epoch", "train_seconds", "lr", "loss", "loss_pos", "loss_neg", "batch_acc",
                     "dev_train_auc", "dev_train_acc", "dev_test_auc", "images_per_s"])

    def eval_row():
        m = evaluate(model, data)
        return m["dev_train_pairs"]["auc"], m["dev_train_pairs"]["acc_at_threshold"], m["dev_test_pairs"]["auc"]

    amp = torch.autocast("cuda", dtype=torch.bfloat16) if cuda else torch.autocast("cpu", enabled=False)
    acc_loss = torch.zeros(4, device=dev)  # loss, pos, neg, correct fraction (summed)
    acc_n, images_since, t_log, t_eval = 0, 0, time.time(), time.time()
    log(f"training for {args.train_seconds - trained_s:.0f}s more (lr {args.lr}, wd {args.weight_decay}, dropout {args.dropout}, "
        f"{2 * sampler.P + sampler.S} photos/step, {sampler.P} pos + {sampler.P * sampler.k} neg pairs)")
    if step == 0:
        a, b, c = eval_row()
        cw.writerow([0, 0, 0, 0, "", "", "", "", fmt(a), fmt(b), fmt(c), ""])
        log(f"init: dev-train AUC {fmt(a)} acc {fmt(b)} | dev-test AUC {fmt(c)}")
    seg_start = time.time()
    base_trained = trained_s
    while True:
        trained_s = base_trained + (time.time() - seg_start)
        if trained_s >= args.train_seconds or (args.max_steps and step >= args.max_steps):
            break
        if args.stop_by and time.time() - t_start >= args.stop_by:
            log(f"--stop-by {args.stop_by:.0f}s reached: ending training early")
            break
        lr = lr_at(trained_s / args.train_seconds, step, args.lr, args.warmup_steps)
        for g in opt.param_groups:
            g["lr"] = lr
        idx, pa, pb, na, nb = sampler.next()
        # one pinned, asynchronous host-to-device copy per step (a pageable copy would wait for the GPU)
        host = torch.from_numpy(np.concatenate([idx, pa, pb, na, nb]))
        allidx = host.pin_memory().to(dev, non_blocking=True) if cuda else host
        idx_t, pa_t, pb_t, na_t, nb_t = torch.split(allidx, [len(idx), len(pa), len(pb), len(na), len(nb)])
        x = to_input(data["train_x"][idx_t])
        if not args.no_augment:
            x = augment(x, gen)
        with amp:
            emb = model.tower(x)
        lp = model.logits(emb[pa_t], emb[pb_t])
        ln = model.logits(emb[na_t], emb[nb_t])
        loss_pos = F.binary_cross_entropy_with_logits(lp, torch.ones_like(lp))
        loss_neg = F.binary_cross_entropy_with_logits(ln, torch.zeros_like(ln))
        loss = 0.5 * (loss_pos + loss_neg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        images_since += len(idx)
        with torch.no_grad():
            correct = 0.5 * ((lp > 0).float().mean() + (ln < 0).float().mean())
            acc_loss += torch.stack([loss.detach(), loss_pos.detach(), loss_neg.detach(), correct])
        acc_n += 1
        now = time.time()
        do_eval = now - t_eval >= args.eval_every
        if now - t_log >= args.log_every or do_eval:
            l, lpv, lnv, ca = (acc_loss / acc_n).tolist()
            ips = images_since / (now - t_log)
            row = [step, sampler.epoch, f"{base_trained + now - seg_start:.1f}", f"{lr:.3g}", f"{l:.4f}", f"{lpv:.4f}", f"{lnv:.4f}", f"{ca:.4f}"]
            msg = f"step {step} ep {sampler.epoch} lr {lr:.2e} loss {l:.4f} (pos {lpv:.4f} neg {lnv:.4f}) batch-acc {ca:.3f} {ips:.0f} img/s"
            if do_eval:
                t_e = time.time()
                a, b, c = eval_row()
                seg_start += time.time() - t_e  # evaluation time does not count as training time
                row += [fmt(a), fmt(b), fmt(c)]
                msg += f" | dev-train AUC {fmt(a)} acc {fmt(b)} | dev-test AUC {fmt(c)}"
                t_eval = time.time()
            else:
                row += ["", "", ""]
            cw.writerow(row + [f"{ips:.0f}"]); curves.flush()
            log(msg)
            acc_loss.zero_(); acc_n, images_since, t_log = 0, 0, time.time()
    trained_s = base_trained + (time.time() - seg_start)
    log(f"trained {step} steps, {sampler.epoch} epochs, {trained_s:.0f}s")
    if args.checkpoint:
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sampler": sampler.state(), "gen": gen.get_state(),
                    "step": step, "trained_s": trained_s, "args": vars(args)}, args.checkpoint)
        log(f"checkpoint {args.checkpoint}")

    if args.tiny:
        m = evaluate(model, data)
        log(f"tiny: {json.dumps(m)}")
        with open(os.path.join(args.out, "metrics.json"), "w") as f:
            json.dump({"tiny": True, "steps": step, "fp32": m, "raw_pixel_baseline": raw_pixel_baseline(data)}, f, indent=1, allow_nan=False)
        return 0

    # export first (nothing after this can lose the trained weights), then evaluate the fp32
    # weights and the weights exactly as tf.js will decode the export
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    probe_idx = np.arange(min(8, len(test_x_np)))
    probe_x = data["test_x"][torch.as_tensor(probe_idx, device=dev)]
    probe_x.cpu().numpy().astype(np.uint8).tofile(os.path.join(args.out, "probe.bin"))
    probe_pairs = [[int(i), int((i + 1) % len(probe_idx))] for i in range(len(probe_idx))] + [[0, 0]]

    def probe_preds():
        with torch.no_grad():
            model.eval()
            e = model.tower(to_input(probe_x))
            model.train()
            pa = torch.tensor([p[0] for p in probe_pairs], device=dev)
            pb = torch.tensor([p[1] for p in probe_pairs], device=dev)
            return torch.sigmoid(model.logits(e[pa], e[pb])).tolist(), e[:, :8].tolist()

    def guarded(what, fn):
        try:
            r = fn()
            log(f"{what}: {json.dumps(r['dev_test_pairs'])}")
            return r
        except Exception as err:  # keep the export and the other numbers if one evaluation fails
            log(f"{what} FAILED: {err!r}")
            return {"error": repr(err)}

    fp32_probe = probe_preds()
    fp32_state = {k: v.clone() for k, v in model.state_dict().items()}
    decoded = export_tfjs(model, args.out, args.export_dtype, args.shards)
    log(f"exported {args.export_dtype} tf.js model to {args.out}")
    metrics_fp32 = guarded("fp32", lambda: evaluate(model, data))
    load_tfjs_tensors(model, decoded)
    export_probe = probe_preds()
    metrics_export = guarded(f"{args.export_dtype} (as exported)", lambda: evaluate(model, data))
    model.load_state_dict(fp32_state)
    baseline = guarded("raw-pixel L1 baseline", lambda: raw_pixel_baseline(data))

    files = {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out)) if f.endswith((".bin", ".json")) and f.startswith(("group", "model"))}
    metrics = {
        "model": "reference Siamese network (src/model/siamese.ts defaults), 38,964,545 parameters",
        "data": {"train": f"LFW View 1 people-dev-train.tsv, every photo ({pack_crop_words(args.data)}, resized to 100x100)",
                 "train_photos": int(len(train_x_np)), "train_people": int(len(set(train_person.tolist()))),
                 "threshold_chosen_on": "pairs-dev-train.tsv (photos of training people)",
                 "evaluated_on": "pairs-dev-test.tsv (people never used in training)"},
        "device": torch.cuda.get_device_name(0) if cuda else "cpu", "torch": torch.__version__,
        "training": {"steps": step, "epochs": sampler.epoch, "seconds": round(trained_s, 1),
                     "photos_per_step": 2 * sampler.P + sampler.S, "pos_pairs_per_step": sampler.P,
                     "neg_pairs_per_step": sampler.P * sampler.k, "optimizer": "AdamW", "lr": args.lr,
                     "weight_decay": args.weight_decay, "dropout_train_only": args.dropout, "warmup_steps": args.warmup_steps, "schedule": "cosine over the time budget",
                     "augment": not args.no_augment, "seed": args.seed, "precision": "bf16 autocast" if cuda else "fp32"},
        "fp32": metrics_fp32,
        f"export_{args.export_dtype}": metrics_export,
        "raw_pixel_baseline": baseline,
        "export": {"dtype": args.export_dtype, "files": files},
        "probe": {"file": "probe.bin", "shape": [len(probe_idx), 100, 100, 3], "dtype": "uint8",
                  "photos": [test_paths[i] for i in probe_idx], "pairs": probe_pairs,
                  "fp32_scores": fp32_probe[0], "fp32_embedding_first8": fp32_probe[1],
                  "export_scores": export_probe[0], "export_embedding_first8": export_probe[1]},
        "total_seconds": round(time.time() - t_start, 1),
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1, allow_nan=False)
    curves.close()
    log(f"done; files: {files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
