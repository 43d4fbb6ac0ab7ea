/**
 * Bundle-local aliases of the globals the core reads in its hot loops (injected by build.ts).
 * A free global lookup is slow in hosts that proxy the global object, such as the node:vm
 * context the tests and benchmark run the bundle in; a local binding costs nothing anywhere.
 * `Infinity` cannot be aliased this way: build.ts's minifySyntax writes it as `1 / 0` (in the
 * node:vm context each `Infinity` in the models' inner loops cost more than the arithmetic around it).
 */
const M = globalThis.Math;
const N = globalThis.Number;
const F64 = globalThis.Float64Array;
const I32 = globalThis.Int32Array;
const U32 = globalThis.Uint32Array;
const U8 = globalThis.Uint8Array;
const MAP = globalThis.Map;
const SET = globalThis.Set;
const ARR = globalThis.Array;
const OBJ = globalThis.Object;
const STR = globalThis.String;
export {
  M as Math, N as Number, F64 as Float64Array, I32 as Int32Array, U32 as Uint32Array,
  U8 as Uint8Array, MAP as Map, SET as Set, ARR as Array, OBJ as Object, STR as String,
};
