# SPDX-License-Identifier: MIT
"""A small model trained on the GPU, in phases, recorded by timecapsule."""
import sys
import time

import torch
import timecapsule as tc

dev = "cuda" if torch.cuda.is_available() else "cpu"
WIDTH = 8192 if dev == "cuda" else 256


def load_dataset(n_batches, batch):
    g = torch.Generator(device=dev).manual_seed(0)
    xs, ys = [], []
    for _ in range(n_batches):
        x = torch.randn(batch, WIDTH, device=dev, generator=g)
        xs.append(x)
        ys.append(x.sum(dim=1, keepdim=True) / WIDTH ** 0.5)
        time.sleep(0.05)
    return xs, ys


def build_model():
    return torch.nn.Sequential(
        torch.nn.Linear(WIDTH, WIDTH), torch.nn.GELU(),
        torch.nn.Linear(WIDTH, WIDTH), torch.nn.GELU(),
        torch.nn.Linear(WIDTH, 1)).to(dev)


def train_step(model, opt, x, y):
    with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
        loss = torch.nn.functional.mse_loss(model(x).float(), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


def train(model, xs, ys, epochs):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            loss = train_step(model, opt, x, y)
        tc.metric("loss", loss.item())
        tc.metric("epoch", epoch)
    return opt


def evaluate(model, xs, ys):
    with torch.no_grad():
        return sum(float(torch.nn.functional.mse_loss(model(x), y))
                   for x, y in zip(xs, ys)) / len(xs)


def main(out):
    with tc.record(output=out, every=0.25):
        time.sleep(0.75)
        xs, ys = load_dataset(32, 4096 if dev == "cuda" else 64)
        model = build_model()
        opt = train(model, xs, ys, 8 if dev == "cuda" else 3)
        score = evaluate(model, xs, ys)
        del xs, ys, opt, model
        if dev == "cuda":
            torch.cuda.empty_cache()
        time.sleep(0.75)
    print("eval mse %.4f" % score)


if __name__ == "__main__":
    main(sys.argv[1])
