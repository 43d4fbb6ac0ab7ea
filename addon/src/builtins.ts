/**
 * Bundle-local aliases of the built-ins used in the models' hot loops (injected by build.ts).
 * A free global lookup is slow in hosts that proxy the global object, such as the node:vm
 * context the tests and benchmark run the bundle in; a local binding costs nothing anywhere.
 */
const M = globalThis.Math;
const N = globalThis.Number;
export { M as Math, N as Number };
