"""The bench's train step (src/cli/bench-train-step.ts) in eager PyTorch, to state the lab's
figure beside PyTorch on the same CPU, as issue 12 asks. Not part of the lab: run it by hand
where PyTorch is installed (Debian: `apt-get install python3-torch`), e.g.

    /usr/bin/python3 src/cli/reference/pytorch_train_step.py --threads 1

Same work as the lab's step: a model of the base shape (d = 64, 2 layers, 4 heads, pre-LayerNorm,
MLP 4·d with ReLU, untied output head, value head) on a 32-token vocabulary, a minibatch of 64
sequences × 32 tokens with synthetic targets, the clipped surrogate (ε = 0.2) weighted 1/n per
token, the clipped value loss (c_v = 0.1, clip 0.2), no KL and no entropy term, the gradient
clipped to norm 1, one Adam step (lr 3e-4, ε 1e-7). Prints the median ms per step.
`--device cuda` runs it on a GPU (eager, one small kernel launch per op, as tfjs's WebGPU dispatches),
to set the lab's WebGPU figure beside it on the same machine.
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SEQUENCES, TOKENS, VOCAB, D, LAYERS, HEADS = 64, 32, 32, 64, 2, 4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.w1, self.w2 = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, HEADS, D // HEADS).permute(2, 0, 3, 1, 4)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(D // HEADS) + mask
        y = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, D)
        x = x + self.proj(y)
        return x + self.w2(F.relu(self.w1(self.ln2(x))))


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(VOCAB, D), nn.Embedding(TOKENS, D)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.lnf, self.head, self.vhead = nn.LayerNorm(D), nn.Linear(D, VOCAB), nn.Linear(D, 1)
        self.register_buffer("mask", torch.full((TOKENS, TOKENS), float("-inf")).triu(1))

    def forward(self, tokens):
        x = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1], device=tokens.device))
        for block in self.blocks:
            x = block(x, self.mask)
        x = self.lnf(x)
        return self.head(x), self.vhead(x).squeeze(-1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1, help="torch threads (tfjs wasm in Node runs one)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda for a GPU")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dev = torch.device(args.device)
    policy = Policy().to(dev)
    optimizer = torch.optim.Adam(policy.parameters(), lr=3e-4, eps=1e-7)
    shape = (SEQUENCES, TOKENS)
    n = SEQUENCES * TOKENS
    inputs, targets = torch.randint(0, VOCAB, shape, device=dev), torch.randint(0, VOCAB, shape, device=dev)
    lp_old = -math.log(VOCAB) + 0.1 * torch.randn(shape, device=dev)
    advantages, returns, values_old = (torch.randn(shape, device=dev) for _ in range(3))
    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        logits, values = policy(inputs)
        lp = logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        ratio = (lp - lp_old).exp()
        surrogate = torch.min(ratio * advantages, ratio.clamp(0.8, 1.2) * advantages)
        policy_loss = -(surrogate / n).sum()
        clipped = values_old + (values - values_old).clamp(-0.2, 0.2)
        value_loss = 0.5 * (torch.max((values - returns) ** 2, (clipped - returns) ** 2) / n).sum()
        loss = policy_loss + 0.1 * value_loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        optimizer.step()
        if i >= args.warmup:
            if dev.type == "cuda":
                torch.cuda.synchronize()  # launches are asynchronous: time the work, not the queueing
            times.append((time.perf_counter() - t0) * 1000)
    print(f"torch {torch.__version__} on {args.device}, {args.threads} thread(s): train step 64x32 median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}, {args.steps} steps)")


if __name__ == "__main__":
    main()
