#!/usr/bin/env python3
"""Loads a convnet checkpoint written by `mnist train --arch convnet` into the equivalent PyTorch network.

The network is the anchor's (../shared/anchors/cnn-pytorch) as an nn.Sequential with our layer names, so
`load_state_dict(strict=True)` must take the file's keys and shapes as they are. Then both evaluate the test
set: PyTorch here, and `mnist eval --json`; prints both accuracies and confusion matrices' difference, and exits
1 when the accuracies differ by more than one image (float rounding may flip a borderline one).

    /usr/bin/python3 bench/torch_convnet_check.py MODEL.npz [--data DIR]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST = os.path.join(REPO, "src", "Mnist.App", "bin", "Release", "net10.0", "mnist.dll")


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--data", default=os.environ.get("MNIST_DATA", os.path.expanduser("~/.cache/mnist")))
    args = parser.parse_args()
    torch.set_num_threads(2)

    net = nn.Sequential(collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 32, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("dropout", nn.Dropout(0.5)), ("fc", nn.Linear(1600, 10))]))
    state = {k: torch.from_numpy(v) for k, v in np.load(args.model).items()}
    net.load_state_dict(state, strict=True)
    net.eval()

    images = torch.from_numpy(read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte")).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    with torch.no_grad():
        predictions = net(images).argmax(1).numpy()
    torch_confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(torch_confusion, (labels, predictions), 1)
    torch_accuracy = float((predictions == labels).mean())

    ours = json.loads(subprocess.run(["dotnet", MNIST, "eval", "--model", args.model, "--json"], check=True, capture_output=True, text=True).stdout)
    our_confusion = np.array(ours["confusion"], dtype=np.int64)
    print(f"load_state_dict(strict=True): {len(state)} tensors, {sum(v.numel() for v in state.values()):,} parameters")
    print(f"test accuracy: PyTorch {torch_accuracy * 100:.2f}%, mnist {ours['accuracy'] * 100:.2f}%; confusion matrices differ in {int(np.abs(torch_confusion - our_confusion).sum()) // 2} image(s)")
    return 0 if abs(torch_accuracy - ours["accuracy"]) <= 1e-4 + 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
