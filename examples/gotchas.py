# RNN Lens example with deliberate mistakes: open the Problems panel to see what RNN Lens finds, and use the quick
# fixes (the light bulb) where the fix is mechanical. docs/gotchas.md explains each code.
# Running this file as it is stops at the first mistake (PyTorch raises on unsorted lengths).
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)

batch = torch.randn(3, 5, 4)          # 3 sequences, padded to 5 steps, 4 features
lengths = torch.tensor([3, 5, 2])     # NOT sorted in decreasing order

lstm = nn.LSTM(input_size=4, hidden_size=6, batch_first=True)

# Mistake 1 (RNNL002): enforce_sorted defaults to True, but the lengths are not sorted -> RuntimeError in PyTorch
packed = pack_padded_sequence(batch, lengths, batch_first=True)

# The same batch packed correctly
packed_ok = pack_padded_sequence(batch, lengths, batch_first=True, enforce_sorted=False)
packed_out, (h_n, c_n) = lstm(packed_ok)
output, out_lengths = pad_packed_sequence(packed_out, batch_first=True)

# Mistake 2 (RNNL001): the last time step of the padded output is padding (zeros) for the shorter sequences
last_step = output[:, -1]
final_state = h_n[-1]  # what was meant: each sequence's state after its own last step

# Mistake 3 (RNNL-SHAPE): input_size does not match the 4 features -> PyTorch raises a shape error
wrong_lstm = nn.LSTM(input_size=8, hidden_size=6, batch_first=True)
wrong_out, _ = wrong_lstm(batch)

# Mistake 4 (RNNL006): h_n[-1] of a bidirectional LSTM is only the backward direction
bilstm = nn.LSTM(input_size=4, hidden_size=6, batch_first=True, bidirectional=True)
bi_out, (bi_h, bi_c) = bilstm(packed_ok)
summary = bi_h[-1]
