// What generated plan text calls at run time besides typed arrays (the factory's `lib`): the one
// list of helpers the renderers' preludes may name (`lib.fmaf`), re-exported by tfgen/runtime.
export { fmaf } from './float32.js';
export { int64Value } from '../dtypes.js';
export { ipow, ipow64 } from './int32.js';
export { intFloorDiv, intFloorMod, roundHalfEven } from './int_math.js';
