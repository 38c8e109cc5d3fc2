// Trains the compiled linear regression (examples/out/linreg/linreg.js, written by
// `tfgen compile examples/linreg/linreg.tf.ts examples/linreg/train.ts`): no graph is built and
// nothing is compiled here; each sess.run below is a plan precompiled from this very file.
// Then saves a checkpoint for `tfgen compile --standalone --weights`.
import { Session } from 'tfgen/runtime';
import { saveCheckpoint } from 'tfgen/runtime/checkpoint';
import { b, init, loss, m, train, X, Y } from '../out/linreg/linreg.js';
import { iceCreamData } from './data.js';

const { temps, sold } = iceCreamData(100);
const sess = new Session();
sess.run(init);
for (let step = 0; step <= 2000; step++) {
  const [, l] = sess.run([train, loss], { X: temps, Y: sold });
  if (step % 500 === 0) console.log(`step ${String(step).padStart(4)}: loss ${l.toFixed(3)}`);
}
const [mv, bv] = sess.run([m, b]);
console.log(`fitted: sold ≈ ${mv.toFixed(3)} · temp + ${bv.toFixed(3)}`);
const path = saveCheckpoint(sess, 'examples/out/linreg.safetensors');
console.log(`checkpoint: ${path}`);
