import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size, tagset_size, embedding_dim=16, hidden_dim=12, num_layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, num_layers=num_layers, batch_first=True,
                            bidirectional=True, dropout=dropout if num_layers > 1 else 0.0)
        self.hidden2tag = nn.Linear(2 * hidden_dim, tagset_size)

    def forward(self, words, lengths):
        embeds = self.embedding(words)
        packed = pack_padded_sequence(embeds, lengths, batch_first=True)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
        tag_space = self.hidden2tag(out)
        return torch.log_softmax(tag_space, dim=-1), h_n

    def sentence_vector(self, h_n):
        # last layer, both directions
        return torch.cat([h_n[-2], h_n[-1]], dim=1)
