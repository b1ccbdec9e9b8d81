import torch


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def masked_accuracy(log_probs, tags):
    predictions = log_probs.argmax(dim=-1)
    mask = tags != -100
    correct = (predictions == tags) & mask
    return correct.sum().float() / mask.sum().float()
