// What generated plan text calls at run time besides typed arrays (the factory's `lib`).
export { fmaf } from './float32.js';
export { ipow } from './int32.js';
