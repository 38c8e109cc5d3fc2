// tf.InteractiveSession: a Session that makes itself the default session when created (for
// shells and notebooks: `x.eval()` without naming the session), until it is closed. Made on
// another graph than the default, it makes that graph the default too, as TF1's does.
import { registerInteractive, unregisterInteractive } from './default_session.js';
import { enterSessionGraph, exitSessionGraph, getDefaultGraph } from './graph.js';
import { Session, type SessionOptions } from './session.js';

export class InteractiveSession extends Session {
  private readonly ownsDefaultGraph: boolean;

  /** @example const sess = new tf.InteractiveSession(); tf.globalVariablesInitializer().run(); w.eval() */
  constructor(opts: SessionOptions = {}) {
    super(opts);
    registerInteractive(this);
    this.ownsDefaultGraph = this.graph !== getDefaultGraph();
    if (this.ownsDefaultGraph) enterSessionGraph(this.graph);
  }

  /** Closes the session; the previous interactive session (if any, still open) becomes the default. */
  override close(): void {
    unregisterInteractive(this);
    if (this.ownsDefaultGraph) exitSessionGraph(this.graph);
    super.close();
  }
}
