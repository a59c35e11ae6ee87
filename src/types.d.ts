// Module shapes tsc cannot infer. Bun imports a file `with { type: "text" }` as its text (also inside a
// `bun build --compile` binary), which is how the T-Bank CA certificates ship (platforms/tbank-tls.ts).
declare module "*.pem" {
  const text: string;
  export default text;
}
