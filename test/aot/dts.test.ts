// The generated .d.ts types inputs and outputs precisely: the TypeScript compiler rejects a
// wrong key, a wrong typed array, a wrong nesting depth; accepts the right forms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { renderDts, type DtsInput } from '../../codegen/aot/dts.js';
import { checkerProject, typeCheck } from '../../codegen/aot/type_check.js';
import { withFiles } from '../_lib/temp_dir.js';

const STANDALONE: DtsInput = {
  source: 'mlp.tf.ts',
  standalone: true,
  exports: [
    { name: 'predict', kind: 'signature', inputs: [['X', { dtype: 'float32', shape: [null, 3] }], ['mask', { dtype: 'bool', shape: [] }]],
      outputs: [['probs', { dtype: 'float32', shape: [null, 2] }], ['label', { dtype: 'int32', shape: [] }], ['noop', null]] },
  ],
};

test('standalone declarations are self-contained and exact', () => {
  const text = renderDts(STANDALONE);
  assert.not.match(text, /import/);
  assert.ok(text.includes("export declare function predict(inputs: { X: readonly (readonly number[])[] | Float32Array | ArrayValue<'float32', Float32Array>; mask: boolean | Uint8Array | ArrayValue<'bool', Uint8Array> }): { probs: ArrayValue<'float32', Float32Array>; label: number; noop: null };"), text);
});

test('the TypeScript compiler rejects wrong keys, array types and nesting; accepts the right ones', () =>
  withFiles({
    'out/mlp.d.ts': renderDts(STANDALONE),
    'out/mlp.js': 'export function predict() {}\n',
    'app.ts': `import { predict } from './out/mlp.js';
const ok1 = predict({ X: [[1, 2, 3]], mask: true });
const ok2 = predict({ X: new Float32Array(6), mask: false });
const p: Float32Array = ok1.probs.data;
const l: number = ok2.label;
predict({ Y: [[1, 2, 3]], mask: true });
predict({ X: new Int32Array(3), mask: true });
predict({ X: [1, 2, 3], mask: true });
const wrong: Int32Array = ok1.probs.data;
void p; void l; void wrong;
`,
  }, (dir) => {
    // one error per element for line 8 (each number where a row belongs): keep the first per line
    const errs = [...new Map(typeCheck([join(dir, 'app.ts')], checkerProject()).map((d) => [d.line, `${d.line}: ${d.message.split('\n')[0]}`])).values()];
    assert.is(errs.length, 4, errs.join('\n'));
    assert.match(errs[0], /^6: .*'Y' does not exist/);
    assert.match(errs[1], /^7: Type 'Int32Array.*' is not assignable/);
    assert.match(errs[2], /^8: Type 'number' is not assignable to type 'readonly number\[\]'/);
    assert.match(errs[3], /^9: Type 'Float32Array.*' is not assignable to type 'Int32Array/);
  }));

test.run();
