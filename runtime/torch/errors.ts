// The error PyTorch would raise: a Python exception type plus PyTorch's own message. Runtime code throws TorchError
// for every input PyTorch rejects, so callers (CLI, run engine, diagnostics) can show the exact PyTorch wording.

export type PythonErrorType = 'RuntimeError' | 'ValueError' | 'IndexError' | 'TypeError' | 'AssertionError';

export class TorchError extends Error {
  constructor(
    readonly pythonType: PythonErrorType,
    message: string,
  ) {
    super(message);
    this.name = pythonType;
  }
}

export function runtimeError(message: string): TorchError {
  return new TorchError('RuntimeError', message);
}

export function valueError(message: string): TorchError {
  return new TorchError('ValueError', message);
}
