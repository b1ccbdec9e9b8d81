"""Vocabulary and batching for the POS tagger (tutorial-style, no torchtext)."""
from collections import Counter

import torch
from torch.nn.utils.rnn import pad_sequence

PAD, UNK = '<pad>', '<unk>'

TRAIN = [
    ("the dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("everybody read that book".split(), ["NN", "V", "DET", "NN"]),
    ("the cat sat".split(), ["DET", "NN", "V"]),
    ("a very small dog barked at the big cat".split(), ["DET", "ADV", "ADJ", "NN", "V", "P", "DET", "ADJ", "NN"]),
]


def build_vocab(sentences, min_count=1):
    counts = Counter(w for s in sentences for w in s)
    itos = [PAD, UNK] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(tokens, vocab):
    return torch.tensor([vocab.get(t, vocab[UNK]) for t in tokens], dtype=torch.long)


def collate(batch, word_vocab, tag_vocab):
    batch = sorted(batch, key=lambda p: len(p[0]), reverse=True)
    words = [encode(w, word_vocab) for w, _ in batch]
    tags = [encode(t, tag_vocab) for _, t in batch]
    lengths = torch.tensor([len(w) for w in words])
    return pad_sequence(words, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100), lengths
