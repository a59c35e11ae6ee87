// arktype's global configuration, imported before arktype itself (arktype's "Configuration" docs: the
// "arktype/config" entry point, in a module of its own, loaded first). `jitless`: arktype compiles every type
// it defines into a validator with `new Function`, which pays off over many validations; the configuration is
// validated once per process, so the compiling was most of its cost. Without it, a start that validates the
// configuration is about 45% shorter: ~160 → ~90 ms with the JIT off as portfolio-bot.service runs pfbot,
// ~210 → ~100 ms with it on (`--dry-run` stopped by a configuration error, the compiled binary, 20 runs).
import { configure } from "arktype/config";

configure({ jitless: true });
