// All op rules in one registry: Python builtins and the torch/numpy op families (one file per family).
import { OpRegistry } from './registry';
import { register as builtins } from '../../interp/builtins';
import { register as creation } from './creation';
import { register as shape } from './shape';
import { register as indexing } from './indexing';
import { register as reduction } from './reduction';
import { register as elementwise } from './elementwise';
import { register as linalg } from './linalg';
import { register as nn } from './nn';
import { register as packing } from './packing';
import { register as numpy } from './numpy';
import { register as data } from './data';
import { register as einsum } from './einsum';
import { register as moduleWalk } from './module-walk';
import { register as configObjects } from '../../interp/config-objects';

function build(): OpRegistry {
  const reg = new OpRegistry();
  for (const r of [builtins, creation, shape, indexing, reduction, elementwise, linalg, nn, packing, numpy, data, einsum, moduleWalk, configObjects]) r(reg);
  return reg;
}

/** Built once at load and never changed afterwards, so every analysis shares it. */
const ALL_OPS = build();

export function allOps(): OpRegistry {
  return ALL_OPS;
}
