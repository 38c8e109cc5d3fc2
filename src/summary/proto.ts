// The protocol buffers of TensorBoard's event files (TF's event.proto, summary.proto,
// graph.proto and their dependencies), reduced to the fields tfgen writes, with TF's field
// numbers. Encoded and decoded through protobufjs; parsed once, on first use.
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package tensorflow;

enum DataType {
  DT_INVALID = 0; DT_FLOAT = 1; DT_DOUBLE = 2; DT_INT32 = 3; DT_UINT8 = 4; DT_INT16 = 5;
  DT_INT8 = 6; DT_STRING = 7; DT_INT64 = 9; DT_BOOL = 10;
}

message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  bytes tensor_content = 4;
  repeated bytes string_val = 8;
}

message HistogramProto {
  double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}

message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
}

message Summary {
  message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; Image image = 4; HistogramProto histo = 5; TensorProto tensor = 8; }
  }
  repeated Value value = 1;
}

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; }
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated DataType type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
  }
  oneof value {
    bytes s = 2; int64 i = 3; float f = 4; bool b = 5; DataType type = 6;
    TensorShapeProto shape = 7; TensorProto tensor = 8; ListValue list = 1;
  }
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}

message VersionDef { int32 producer = 1; int32 min_consumer = 2; }

message GraphDef {
  repeated NodeDef node = 1;
  VersionDef versions = 4;
}
`;

type MessageName = 'Event' | 'Summary' | 'GraphDef' | 'TensorProto' | 'SummaryMetadata' | 'HistogramProto';
let root: protobuf.Root | undefined;

function messageType(name: MessageName): protobuf.Type {
  root ??= protobuf.parse(SCHEMA, { keepCase: true }).root;
  return root.lookupType(`tensorflow.${name}`);
}

/** Serializes a plain object (TF's snake_case field names) as message `name`. */
export function encodeMessage(name: MessageName, value: object): Uint8Array {
  const type = messageType(name);
  const err = type.verify(value);
  if (err) throw new Error(`internal: bad ${name}: ${err}`);
  // why: in Node protobufjs returns a pooled Buffer, whose slice() is a view; callers get a plain copy.
  return new Uint8Array(type.encode(type.fromObject(value)).finish());
}

/** Parses message `name` into a plain object (int64 as numbers, bytes as Uint8Array, enums as numbers). */
export function decodeMessage<T = Record<string, unknown>>(name: MessageName, bytes: Uint8Array): T {
  const type = messageType(name);
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as T;
}

export { DATA_TYPE } from './summary_wire.js';

/** A static shape as a TensorShapeProto (unknown dims are -1, an unknown rank is flagged). */
export function shapeProto(shape: readonly (number | null)[] | null): object {
  if (shape === null) return { unknown_rank: true };
  return { dim: shape.map((d) => ({ size: d ?? -1 })) };
}
