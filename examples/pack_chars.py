# RNN Lens example (from seed 000): run an LSTM on a batch of 3 character sequences of different lengths.
# pad -> sort -> embed -> pack -> LSTM -> unpack. Hover a variable to see its shape; select lines and run
# "RNN Lens: Run Selection" to see each step with these numbers.
import torch
from torch import LongTensor
from torch.nn import Embedding, LSTM
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)

seqs = ['long_str', 'tiny', 'medium']  # lengths 8, 4, 6

# Step 1: vocabulary (index 0 is the padding token)
vocab = ['<pad>'] + sorted(set([char for seq in seqs for char in seq]))

# Step 2: each sequence as a list of character indices
vectorized_seqs = [[vocab.index(tok) for tok in seq] for seq in seqs]

# Step 3: the model
embed = Embedding(len(vocab), 4)  # embedding_dim = 4
lstm = LSTM(input_size=4, hidden_size=5, batch_first=True)  # hidden_dim = 5

# Step 4: pad with 0s up to the longest sequence
seq_lengths = LongTensor(list(map(len, vectorized_seqs)))
seq_tensor = torch.zeros((len(vectorized_seqs), seq_lengths.max())).long()
for idx, (seq, seqlen) in enumerate(zip(vectorized_seqs, seq_lengths)):
    seq_tensor[idx, :seqlen] = LongTensor(seq)

# Step 5: sort by length, longest first
seq_lengths, perm_idx = seq_lengths.sort(0, descending=True)
seq_tensor = seq_tensor[perm_idx]

# Step 6: embed
embedded_seq_tensor = embed(seq_tensor)

# Step 7: pack (time-major, interleaved: batch_sizes counts the sequences still running at each step)
packed_input = pack_padded_sequence(embedded_seq_tensor, seq_lengths.cpu().numpy(), batch_first=True)

# Step 8: the LSTM runs only the real time steps
packed_output, (ht, ct) = lstm(packed_input)

# Step 9: unpack back to a padded batch (padding is exactly zero)
output, input_sizes = pad_packed_sequence(packed_output, batch_first=True)

# The last real step of each sequence is ht[-1], not output[:, -1] (that is padding for the shorter ones)
last_hidden = ht[-1]
print(output.shape, last_hidden.shape)
