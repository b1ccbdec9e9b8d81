# A small project, laid out like most repositories: this script imports the model and the data helpers from the
# files next to it. RNN Lens follows those imports, so the shapes below come through model.py and data.py
# (hover log_probs, h_n, sent). Edit model.py (e.g. hidden_dim=12 -> 20) and the shapes here follow.
import torch
import torch.nn as nn

import utils
from data import TRAIN, build_vocab, collate
from model import BiLSTMTagger

torch.manual_seed(1)

word_vocab = build_vocab([s for s, _ in TRAIN])
tag_vocab = build_vocab([t for _, t in TRAIN])

model = BiLSTMTagger(len(word_vocab), len(tag_vocab))
loss_fn = nn.NLLLoss(ignore_index=-100)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

words, tags, lengths = collate(TRAIN, word_vocab, tag_vocab)
for epoch in range(2):
    optimizer.zero_grad()
    log_probs, h_n = model(words, lengths)
    loss = loss_fn(log_probs.view(-1, log_probs.size(-1)), tags.view(-1))
    loss.backward()
    optimizer.step()

with torch.no_grad():
    log_probs, h_n = model(words, lengths)
    sent = model.sentence_vector(h_n)
    acc = utils.masked_accuracy(log_probs, tags)
    first = log_probs[0, :lengths[0]]
    best = first.argmax(dim=-1)
