#!/usr/bin/env python3
"""Checks mnist train's optimizers against torch.optim (issue 13's target).

For each optimizer: the same starting weights (`mnist train --steps 0`), three full-batch steps
(`--init`, `--batch 60000 --shuffle --steps 3`) in mnist and in PyTorch, and for every parameter
tensor the norm of (our update - PyTorch's update), the updates being weights after minus before.
Float rounding of a 60,000-sample mean alone moves them by about 1e-4; a wrong formula by far more.
Prints one line per optimizer and tensor and exits 1 when any difference is 1e-3 or more.

    /usr/bin/python3 bench/torch_optim_check.py [--data DIR] [--work DIR]
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST = os.path.join(REPO, "src", "Mnist.App", "bin", "Release", "net10.0", "mnist.dll")
TOLERANCE = 1e-3

# name: (mnist options, torch optimizer factory)
OPTIMIZERS = {
    "sgd": (["--optimizer", "sgd", "--lr", "0.1"], lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd+decay": (["--optimizer", "sgd", "--lr", "0.1", "--weight-decay", "0.01"], lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01)),
    "momentum": (["--optimizer", "momentum", "--lr", "0.1", "--momentum", "0.9", "--weight-decay", "0.001"],
                 lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.001)),
    "nesterov": (["--optimizer", "nesterov", "--lr", "0.1", "--momentum", "0.9"], lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    "adam": (["--optimizer", "adam", "--lr", "0.001", "--weight-decay", "0.001"], lambda p: torch.optim.Adam(p, lr=0.001, weight_decay=0.001)),
    "adamw": (["--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.01", "--betas", "0.8,0.99", "--eps", "1e-6"],
              lambda p: torch.optim.AdamW(p, lr=0.001, weight_decay=0.01, betas=(0.8, 0.99), eps=1e-6)),
}


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(*args):
    subprocess.run(["dotnet", MNIST, *args], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.environ.get("MNIST_DATA", os.path.expanduser("~/.cache/mnist")))
    parser.add_argument("--work", default="/tmp/mnist-optim-check")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(2)

    images = torch.from_numpy(read_idx(os.path.join(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    labels = torch.from_numpy(read_idx(os.path.join(args.data, "train-labels-idx1-ubyte")).astype(np.int64))

    start = os.path.join(args.work, "start")
    mnist("train", "--data", args.data, "--steps", "0", "--seed", "1", "--out", start)
    before = dict(np.load(os.path.join(start, "model.npz")))

    worst = 0.0
    for name, (options, factory) in OPTIMIZERS.items():
        run = os.path.join(args.work, name)
        mnist("train", "--data", args.data, "--init", os.path.join(start, "model.npz"), "--batch", "60000", "--shuffle",
              "--steps", "3", "--eval-every", "0", *options, "--out", run)
        ours = dict(np.load(os.path.join(run, "model.npz")))

        model = torch.nn.Sequential()
        model.add_module("linear", torch.nn.Linear(784, 128))
        model.add_module("relu", torch.nn.ReLU())
        model.add_module("linear2", torch.nn.Linear(128, 10))
        with torch.no_grad():
            for key, parameter in model.named_parameters():
                parameter.copy_(torch.from_numpy(before[key]))
        optimizer = factory(model.parameters())
        for _ in range(3):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(images), labels).backward()
            optimizer.step()
        theirs = {key: p.detach().numpy() for key, p in model.named_parameters()}

        for key in sorted(before):
            ours_update = ours[key].astype(np.float64) - before[key]
            torch_update = theirs[key].astype(np.float64) - before[key]
            difference = float(np.linalg.norm(ours_update - torch_update))
            worst = max(worst, difference)
            print(f"{name:10s} {key:15s} |update| {np.linalg.norm(torch_update):.4e}  |ours - torch| {difference:.3e}")
    print(f"largest difference {worst:.3e} (tolerance {TOLERANCE:g})")
    return 0 if worst < TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
