// PyTorch's CPU random streams (runtime/torch/random.ts) against draws recorded from torch 1.13 itself
// (test/fixtures/rng/streams_*.json): bit-exact wherever PyTorch's arithmetic is reproducible (float32 everywhere on
// the AVX2 build, integers, uniforms), within a few ulp where it goes through the C library's log/sin/cos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../runtime/tensor/tensor';
import { TorchError } from '../../runtime/torch/errors';
import { TorchGenerator, fma32, fma64, normal_, normalizeSeed, rand, randint, randn, randperm, uniform_, type CpuCapability } from '../../runtime/torch/random';
import { draw, firstMismatch, fixtureValues, loadFixture, type DrawOp, type TensorFixture } from './rng-replay';

interface StreamCase {
  name: string;
  seed: string;
  ops: DrawOp[];
  outputs: TensorFixture[];
}

/** Draws whose values pass through glibc's log/sin/cos (double everywhere; logf/sinf/cosf on the portable float32
 *  path). V8's Math functions are not glibc's, so the last bit can differ there — and only there. */
function throughLibm(op: DrawOp, t: Tensor, capability: CpuCapability): boolean {
  if (op.op !== 'randn' && op.op !== 'normal') return false;
  if (t.dtype === 'float64') return true;
  return capability === 'default' && t.numel >= 16;
}

for (const capability of ['avx2', 'default'] as const) {
  const fixture = loadFixture<{ meta: { torch: string; capability: string }; cases: StreamCase[] }>(`streams_${capability}.json`);
  const tally = { exact: 0, values: 0, libmValues: 0, libmExact: 0, maxLibmErr: 0 };
  for (const c of fixture.cases) {
    test(`${capability}: ${c.name}`, () => {
      const gen = new TorchGenerator(BigInt(c.seed));
      c.ops.forEach((op, k) => {
        const expected = c.outputs[k];
        if (op.op === 'random64') {
          const got = Array.from({ length: expected.data.length }, () => String(gen.random64() & 0x7fffffffffffffffn));
          assert.deepEqual(got, expected.data, `${c.name} op ${k}`);
          tally.exact += got.length;
          tally.values += got.length;
          return;
        }
        const t = draw(op, gen, capability);
        assert.deepEqual([...t.shape], expected.shape, `${c.name} op ${k} shape`);
        const want = fixtureValues(expected);
        tally.values += want.length;
        if (throughLibm(op, t, capability)) {
          const eps = t.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
          const scale = Math.abs(op.mean ?? 0) + (op.std ?? 1);
          for (let i = 0; i < want.length; i++) {
            const err = Math.abs(t.data[i] - want[i]);
            const tol = 4 * eps * (Math.abs(want[i]) + scale);
            assert.ok(err <= tol, `${c.name} op ${k} ${JSON.stringify(op)} [${i}]: ${t.data[i]} vs PyTorch ${want[i]} (|err| ${err} > ${tol})`);
            tally.libmValues++;
            if (err === 0) tally.libmExact++;
            if (err > 0) tally.maxLibmErr = Math.max(tally.maxLibmErr, err / (Math.abs(want[i]) + scale));
          }
        } else {
          const bad = firstMismatch(t.data, want);
          assert.equal(bad, -1, bad < 0 ? '' : `${c.name} op ${k} ${JSON.stringify(op)} [${bad}]: ${t.data[bad]} vs PyTorch ${want[bad]}`);
          tally.exact += want.length;
        }
      });
    });
  }
  test(`${capability}: summary`, () => {
    console.log(`[rng ${capability}] ${fixture.cases.length} cases, ${tally.values} values: ${tally.exact} compared bit-exact; ` +
      `${tally.libmValues} through libm (${tally.libmExact} exact, max relative error ${tally.maxLibmErr.toExponential(2)})`);
    assert.ok(tally.exact > 0);
  });
}

test('mt19937 seeding: the 32-bit words of std::mt19937(5489) and a 64-bit seed keeping its low word', () => {
  const g = new TorchGenerator(5489);
  // std::mt19937's default-seeded stream: 3499211612, 581869302, 3890346734, ...; the 10000th is 4123659995
  assert.deepEqual([g.random(), g.random(), g.random()], [3499211612, 581869302, 3890346734]);
  for (let i = 4; i < 10000; i++) g.random();
  assert.equal(g.random(), 4123659995);
  const a = new TorchGenerator(2n ** 32n + 7n);
  const b = new TorchGenerator(7);
  assert.equal(a.random(), b.random());
  assert.equal(a.initialSeed(), 2n ** 32n + 7n);
  assert.equal(new TorchGenerator(-1).initialSeed(), 2n ** 64n - 1n);
});

test('manual_seed forgets the cached normal sample; clone copies it', () => {
  const g = new TorchGenerator(0);
  const first = randn([1], g).data[0];
  const second = randn([1], g).data[0]; // the cached sine half: no draw
  const g2 = g.clone();
  assert.equal(randn([1], g).data[0], randn([1], g2).data[0]);
  g.manualSeed(0);
  assert.equal(randn([1], g).data[0], first);
  assert.equal(randn([1], g).data[0], second);
  // a 16+ fill neither uses nor clears the cache: after randn(1), randn(16), the next randn(1) is the cached half
  g.manualSeed(0);
  randn([1], g);
  randn([16], g);
  assert.equal(randn([1], g).data[0], second);
});

test('fma32 rounds once, even when the double sum lands on a float32 tie', () => {
  const a = Math.fround(1 + 2 ** -12);
  // a·a = 1 + 2^-11 + 2^-24: exactly halfway between two floats; ±2^-60 decides the side
  assert.equal(fma32(a, a, 2 ** -60), 1 + 2 ** -11 + 2 ** -23);
  assert.equal(fma32(a, a, -(2 ** -60)), 1 + 2 ** -11);
  assert.equal(fma32(a, a, 0), 1 + 2 ** -11); // a true tie: to even
  assert.equal(Math.fround(a * a + 2 ** -60), 1 + 2 ** -11); // what plain rounding gets wrong
  // fma64: (1 + 2^-30)^2 - 1 keeps the 2^-60 a separate multiply would lose
  assert.equal(fma64(1 + 2 ** -30, 1 + 2 ** -30, -1), 2 ** -29 + 2 ** -60);
  assert.equal((1 + 2 ** -30) * (1 + 2 ** -30) - 1, 2 ** -29);
});

test('PyTorch\'s messages for bad arguments', () => {
  const g = new TorchGenerator(0);
  const rejects = (f: () => unknown, type: string, message: string) =>
    assert.throws(f, (e: unknown) => e instanceof TorchError && e.pythonType === type && e.message === message);
  rejects(() => uniform_(new Tensor([3], 'float32'), 1, 0, g), 'RuntimeError', 'uniform_ expects to return a [from, to) range, but found from=1 > to=0');
  rejects(() => uniform_(new Tensor([3], 'float32'), -3.4e38, 3.4e38, g), 'RuntimeError',
    'uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3.4e+38 and from=-3.4e+38 which result in to-from to exceed the limit');
  rejects(() => normal_(new Tensor([3], 'float32'), 0, -1, g), 'RuntimeError', 'normal expects std >= 0.0, but found std -1');
  rejects(() => randint(5, 5, [2], g), 'RuntimeError', "random_ expects 'from' to be less than 'to', but got from=5 >= to=5");
  rejects(() => randint(5, 3, [2], g), 'RuntimeError', "random_ expects 'from' to be less than 'to', but got from=5 >= to=3");
  rejects(() => randperm(-1, g), 'RuntimeError', 'Trying to create tensor with negative dimension -1: [-1]');
  rejects(() => randn([2, -1], g), 'RuntimeError', 'Trying to create tensor with negative dimension -1: [2, -1]');
  rejects(() => normalizeSeed(2n ** 64n), 'RuntimeError', 'Overflow when unpacking long');
  rejects(() => normal_(new Tensor([3], 'int64'), 0, 1, g), 'RuntimeError', '"normal_" not implemented for \'Long\'');
  // nothing was drawn by the rejected calls
  assert.equal(rand([1], g).data[0], rand([1], new TorchGenerator(0)).data[0]);
});
