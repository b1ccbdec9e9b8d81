# RNN Lens example (from seed 002): pad_sequence + pack_padded_sequence with enforce_sorted=False, so PyTorch sorts
# the batch by length for you and records sorted_indices / unsorted_indices; the LSTM's h_n comes back in the
# original order. Hover `sequences_packed` to see its batch_sizes and the permutation.
import torch
from torch.nn import Embedding, LSTM
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)

sequences = [
    [1, 2, 3],
    [4, 5],
    [6, 7, 8, 9, 10],
]
sequence_lengths = torch.LongTensor([len(sequence) for sequence in sequences])

embedding = Embedding(num_embeddings=11, embedding_dim=6)
lstm = LSTM(input_size=6, hidden_size=2, batch_first=True)

# Padding: one row per sequence, zeros after each sequence's end
sequences = [torch.LongTensor(sequence) for sequence in sequences]
sequences_padded = pad_sequence(sequences, batch_first=True)

# Embedding
sequences_embedded = embedding(sequences_padded)

# Packing: the lengths are not sorted, so let PyTorch sort them
sequences_packed = pack_padded_sequence(sequences_embedded, sequence_lengths, batch_first=True, enforce_sorted=False)

# LSTM
output_packed, (hidden, context) = lstm(sequences_packed)

# Unpacking: back to (batch, max_len, hidden), in the original order
unpacked_out, input_sequence_sizes = pad_packed_sequence(output_packed, batch_first=True)

last_hidden = hidden[-1]
print(unpacked_out.shape, last_hidden.shape)
