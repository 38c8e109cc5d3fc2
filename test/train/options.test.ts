// Constructor options of variables and optimizers are checked like every op's: a misspelt key
// (TF1's snake_case) fails naming the accepted ones and leaves the graph without new ops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;

test('tf.Variable: an unknown option fails with a hint and creates no op', () => {
  tf.resetDefaultGraph();
  throwsClass(() => new tf.Variable(1, { trainabel: false } as never), IAE, "tf.Variable: unknown option 'trainabel'", 'accepted options: name, dtype, trainable, validateShape, collections');
  throwsClass(() => new tf.Variable(1, { validate_shape: false } as never), IAE, "(did you mean 'validateShape'?)");
  throwsClass(() => new tf.Variable(1, { trainable: 'no' } as never), IAE, 'trainable');
  assert.equal(tf.getDefaultGraph().getOperations().length, 0);
  const v = new tf.Variable(1, { trainable: false, name: 'v' });
  assert.is(v.trainable, false);
  assert.is(v.name, 'v:0');
});

test('optimizers: an unknown option fails naming the accepted ones; useLocking is accepted', () => {
  throwsClass(() => new tf.train.MomentumOptimizer(0.1, 0.9, { use_nesterov: true } as never), IAE, "unknown option 'use_nesterov' (did you mean 'useNesterov'?)");
  throwsClass(() => new tf.train.AdamOptimizer(0.1, 0.9, 0.999, 1e-8, { beta_1: 0.5 } as never), IAE, "tf.train.AdamOptimizer: unknown option 'beta_1'");
  throwsClass(() => new tf.train.RMSPropOptimizer(0.1, { rho: 0.9 } as never), IAE, "unknown option 'rho'", 'decay');
  throwsClass(() => new tf.train.AdagradOptimizer(0.1, { initial_accumulator_value: 0.2 } as never), IAE, "(did you mean 'initialAccumulatorValue'?)");
  throwsClass(() => new tf.train.AdadeltaOptimizer(1, 0.95, 1e-8, { nmae: 'x' } as never), IAE, "unknown option 'nmae'");
  throwsClass(() => new tf.train.GradientDescentOptimizer(0.1, { learning_rate: 1 } as never), IAE, "unknown option 'learning_rate'");
  assert.is(new tf.train.MomentumOptimizer(0.1, 0.9, { useNesterov: true, useLocking: false }).useNesterov, true);
  assert.instance(new tf.train.GradientDescentOptimizer(0.1, { useLocking: true, name: 'sgd' }), tf.train.GradientDescentOptimizer);
});

test.run();
