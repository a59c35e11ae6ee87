// Module shapes tsc cannot infer. Bun imports a file `with { type: "text" }` as its text (also inside a
// `bun build --compile` binary), which is how the T-Bank CA certificates ship (platforms/tbank-tls.ts).
declare module "*.pem" {
  const text: string;
  export default text;
}
// Files imported `with { type: "file" }` arrive as a path, inside the compiled binary a path in its
// embedded file system (render/chart/rasterize.ts: the resvg wasm and the Inter fonts).
declare module "*.wasm" {
  const path: string;
  export default path;
}
declare module "*.ttf" {
  const path: string;
  export default path;
}
