// onnxruntime-node's backend for the Node host (hosts.ts imports this file by a variable specifier, so a browser
// bundle never includes onnxruntime-node).
export { createNodeBackend } from '../../runtime/ortNode';
