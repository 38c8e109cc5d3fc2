// tf.InteractiveSession: a Session that makes itself the default session when created (for
// shells and notebooks: `x.eval()` without naming the session), until it is closed.
import { registerInteractive, unregisterInteractive } from './default_session.js';
import { Session, type SessionOptions } from './session.js';

export class InteractiveSession extends Session {
  /** @example const sess = new tf.InteractiveSession(); tf.globalVariablesInitializer().run(); w.eval() */
  constructor(opts: SessionOptions = {}) {
    super(opts);
    registerInteractive(this);
  }

  /** Closes the session; the previous interactive session (if any, still open) becomes the default. */
  override close(): void {
    unregisterInteractive(this);
    super.close();
  }
}
