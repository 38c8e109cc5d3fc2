// A Graph as TF's GraphDef protocol buffer, for TensorBoard's graph tab: each op a NodeDef with
// its name, type, inputs (`op:1` for outputs past the first, `^op` for control inputs) and its
// attrs as AttrValues (dtypes as DataType, shapes as TensorShapeProto, constants as tensors),
// plus `_output_shapes`, which TensorBoard shows on the edges.
import { isDType, type DType } from '../dtypes.js';
import type { Graph, Operation } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { AttrValue } from '../op_spec.js';
import { stringElements, utf8 } from '../strings.js';
import { DATA_TYPE, encodeMessage, shapeProto } from './proto.js';

/** The graph's ops as a serialized GraphDef. */
export function graphDefBytes(graph: Graph): Uint8Array {
  return encodeMessage('GraphDef', { node: graph.getOperations().map(nodeDef) });
}

export function nodeDef(op: Operation): object {
  const input = [
    ...op.inputs.map((t) => (t.valueIndex === 0 ? t.op.name : `${t.op.name}:${t.valueIndex}`)),
    ...op.controlInputs.map((c) => `^${c.name}`),
  ];
  const attr: Record<string, object> = {};
  for (const [key, value] of Object.entries(op.attrs)) {
    const a = attrValue(key, value);
    if (a) attr[key] = a;
  }
  // why: TF ops name their element type `T`; ours carry it on the tensors, so add it for display.
  if (op.outputs.length && !Object.values(op.attrs).some((v) => isDType(v))) attr.T = { type: DATA_TYPE[op.outputs[0].dtype] };
  if (op.outputs.length) attr._output_shapes = { list: { shape: op.outputs.map((t) => shapeProto(t.shape)) } };
  return { name: op.name, op: op.type, input, attr };
}

export function tensorProto(a: NDArray): object {
  if (a.dtype === 'string') return { dtype: DATA_TYPE.string, tensor_shape: shapeProto(a.shape), string_val: stringElements(a) };
  // why: tensor_content is little-endian, which every JS engine in use is.
  // int64 elements are float64 numbers in memory; the proto holds real 64-bit integers.
  const data = a.dtype === 'int64' ? BigInt64Array.from(a.data, (v) => BigInt(v)) : a.data;
  const content = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { dtype: DATA_TYPE[a.dtype], tensor_shape: shapeProto(a.shape), tensor_content: content };
}

const isShapeKey = (key: string) => /shape/i.test(key);

function attrValue(key: string, v: AttrValue | undefined): object | undefined {
  if (v === null && isShapeKey(key)) return { shape: shapeProto(null) };
  if (v === undefined || v === null) return undefined;
  if (v instanceof NDArray) return { tensor: tensorProto(v) };
  if (typeof v === 'boolean') return { b: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { i: v } : { f: v };
  if (typeof v === 'string') return isDType(v) ? { type: DATA_TYPE[v as DType] } : { s: utf8(v) };
  if (Array.isArray(v)) {
    if (isShapeKey(key) && v.every((d) => d === null || typeof d === 'number')) return { shape: shapeProto(v as (number | null)[]) };
    if (v.every((d) => typeof d === 'number')) {
      return (v as number[]).every(Number.isInteger) ? { list: { i: v } } : { list: { f: v } };
    }
    if (v.every((d) => typeof d === 'string')) return { list: { s: (v as string[]).map(utf8) } };
    if (v.every((d) => typeof d === 'boolean')) return { list: { b: v } };
  }
  // why: attrs with no AttrValue counterpart (nested lists such as paddings) still show as text.
  return { s: utf8(JSON.stringify(v)) };
}
