// torch.sort on a 1-D CPU tensor, reproducing PyTorch 1.13's index order exactly. PyTorch's CPU sort with
// stable=False is libstdc++'s std::sort (introsort: median-of-3 quicksort above 16 elements, heapsort past the depth
// limit, then insertion sort), which does NOT keep ties in their original order. sorted_indices of
// pack_padded_sequence(enforce_sorted=False) come from this sort, so ties must be broken exactly as it does.

/** Result of torch.sort: sorted values and the original index of each. */
export interface SortResult {
  values: number[];
  indices: number[];
}

type Less = (a: number, b: number) => boolean;

/** torch.sort(values, descending) for a 1-D CPU tensor (NaN sorts as the largest value, as in PyTorch). */
export function torchSort(values: readonly number[], descending: boolean): SortResult {
  const keys = [...values];
  const idx = keys.map((_, i) => i);
  // Comparators over positions in (keys, idx), mirroring PyTorch's KeyValueCompAsc / KeyValueCompDesc.
  const lessValue: (a: number, b: number) => boolean = descending
    ? (a, b) => (Number.isNaN(a) && !Number.isNaN(b)) || a > b
    : (a, b) => (!Number.isNaN(a) && Number.isNaN(b)) || a < b;
  stdSort(keys, idx, lessValue);
  return { values: keys, indices: idx };
}

/** libstdc++ std::sort over parallel arrays (keys decide, idx travels along). */
function stdSort(keys: number[], idx: number[], less: Less): void {
  const n = keys.length;
  if (n === 0) return;
  const swap = (i: number, j: number): void => {
    const k = keys[i]; keys[i] = keys[j]; keys[j] = k;
    const x = idx[i]; idx[i] = idx[j]; idx[j] = x;
  };

  const adjustHeap = (first: number, hole: number, len: number, vk: number, vi: number): void => {
    const top = hole;
    let child = hole;
    while (child < Math.floor((len - 1) / 2)) {
      child = 2 * (child + 1);
      if (less(keys[first + child], keys[first + child - 1])) child--;
      keys[first + hole] = keys[first + child]; idx[first + hole] = idx[first + child];
      hole = child;
    }
    if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
      child = 2 * (child + 1);
      keys[first + hole] = keys[first + child - 1]; idx[first + hole] = idx[first + child - 1];
      hole = child - 1;
    }
    let parent = Math.floor((hole - 1) / 2);
    while (hole > top && less(keys[first + parent], vk)) {
      keys[first + hole] = keys[first + parent]; idx[first + hole] = idx[first + parent];
      hole = parent;
      parent = Math.floor((hole - 1) / 2);
    }
    keys[first + hole] = vk; idx[first + hole] = vi;
  };

  const heapSort = (first: number, last: number): void => {
    const len = last - first;
    if (len >= 2) {
      for (let parent = Math.floor((len - 2) / 2); ; parent--) {
        adjustHeap(first, parent, len, keys[first + parent], idx[first + parent]);
        if (parent === 0) break;
      }
    }
    while (last - first > 1) {
      last--;
      const vk = keys[last], vi = idx[last];
      keys[last] = keys[first]; idx[last] = idx[first];
      adjustHeap(first, 0, last - first, vk, vi);
    }
  };

  const medianToFirst = (result: number, a: number, b: number, c: number): void => {
    let s: number;
    if (less(keys[a], keys[b])) {
      if (less(keys[b], keys[c])) s = b;
      else if (less(keys[a], keys[c])) s = c;
      else s = a;
    } else if (less(keys[a], keys[c])) s = a;
    else if (less(keys[b], keys[c])) s = c;
    else s = b;
    swap(result, s);
  };

  const unguardedPartition = (first: number, last: number, pivot: number): number => {
    while (true) {
      while (less(keys[first], keys[pivot])) first++;
      last--;
      while (less(keys[pivot], keys[last])) last--;
      if (!(first < last)) return first;
      swap(first, last);
      first++;
    }
  };

  const introsortLoop = (first: number, last: number, depth: number): void => {
    while (last - first > 16) {
      if (depth === 0) {
        heapSort(first, last);
        return;
      }
      depth--;
      const mid = first + Math.floor((last - first) / 2);
      medianToFirst(first, first + 1, mid, last - 1);
      const cut = unguardedPartition(first + 1, last, first);
      introsortLoop(cut, last, depth);
      last = cut;
    }
  };

  const unguardedLinearInsert = (i: number): void => {
    const vk = keys[i], vi = idx[i];
    let j = i - 1;
    while (less(vk, keys[j])) {
      keys[i] = keys[j]; idx[i] = idx[j];
      i = j;
      j--;
    }
    keys[i] = vk; idx[i] = vi;
  };

  const insertionSort = (first: number, last: number): void => {
    for (let i = first + 1; i < last; i++) {
      if (less(keys[i], keys[first])) {
        const vk = keys[i], vi = idx[i];
        for (let j = i; j > first; j--) { keys[j] = keys[j - 1]; idx[j] = idx[j - 1]; }
        keys[first] = vk; idx[first] = vi;
      } else {
        unguardedLinearInsert(i);
      }
    }
  };

  introsortLoop(0, n, 2 * (31 - Math.clz32(n)));
  if (n > 16) {
    insertionSort(0, 16);
    for (let i = 16; i < n; i++) unguardedLinearInsert(i);
  } else {
    insertionSort(0, n);
  }
}
