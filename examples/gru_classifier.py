# RNN Lens example: a GRU sentence classifier over a padded batch of token ids, packed so the GRU stops at each
# sentence's real end. A GRU returns (output, h_n) — no cell state — and h_n[-1] is the top layer's final state.
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, hidden_dim, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens, lengths):
        embedded = self.embedding(tokens)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        packed_out, h_n = self.gru(packed)
        output, _ = pad_packed_sequence(packed_out, batch_first=True)
        logits = self.fc(h_n[-1])
        return logits, output


sentences = [[5, 3, 8, 2], [7, 1], [4, 9, 6]]
lengths = torch.tensor([len(s) for s in sentences])
tokens = pad_sequence([torch.tensor(s) for s in sentences], batch_first=True)

model = GRUClassifier(vocab_size=10, embedding_dim=8, hidden_dim=16, num_classes=3)
logits, output = model(tokens, lengths)
predictions = logits.argmax(dim=1)
print(tokens.shape, output.shape, logits.shape, predictions)
