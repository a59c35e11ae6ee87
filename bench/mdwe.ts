// `bun bench/mdwe.ts COMMAND [ARGS…]`: runs COMMAND (by path, or found on PATH) under
// MemoryDenyWriteExecute as systemd applies it on a kernel that has it (Linux 6.3+):
// prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN), then execv, so COMMAND keeps this process's pid
// (its /proc figures can be read) and inherits the flag for good, as a unit's process does. No
// memory may then be mapped or changed to be writable and executable, or executable after being
// writable. The launcher itself needs the JIT (bun:ffi does); COMMAND gets the environment as given.
import { dlopen, FFIType, ptr } from "bun:ffi";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const PR_SET_MDWE = 65;
const PR_GET_MDWE = 66;
const PR_MDWE_REFUSE_EXEC_GAIN = 1;

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write("usage: bun bench/mdwe.ts COMMAND [ARGS…]\n");
  process.exit(2);
}
const libc = dlopen("libc.so.6", {
  prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  execv: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
});
if (libc.symbols.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) !== 0 || libc.symbols.prctl(PR_GET_MDWE, 0, 0, 0, 0) !== 1) {
  process.stderr.write("mdwe: prctl(PR_SET_MDWE) failed: this kernel has no MemoryDenyWriteExecute by prctl (Linux 6.3+)\n");
  process.exit(1);
}
const path = command.includes("/") ? command : findOnPath(command);
const strings = [path, command, ...args].map((s) => Buffer.from(`${s}\0`));
const argv = new BigUint64Array(strings.length); // argv[0..n-1], then the NULL that ends it
strings.slice(1).forEach((s, i) => {
  argv[i] = BigInt(ptr(s));
});
libc.symbols.execv(ptr(strings[0] as Buffer), ptr(argv));
process.stderr.write(`mdwe: cannot run ${command}\n`);
process.exit(127);

function findOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return name;
}
