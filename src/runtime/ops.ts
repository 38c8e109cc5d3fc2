// `tfgen/runtime/ops`: the op table (op type → spec with its reference kernel), for modules whose
// plans call reference kernels (host calls). Apart from `tfgen/runtime`, which stays small.
export { opSpec, opTypes } from './op_table.js';
