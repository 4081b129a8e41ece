// CLI: node out/test/emulator/main.js [--port 8000] [--host 127.0.0.1] [--edition EE|CE] [--members N] [--quiet]
// Prints `Windmill emulator listening on http://HOST:PORT` and runs until SIGINT/SIGTERM.
import { startEmulator, type EmulatorOptions } from './emulator';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: main.js [--port 8000] [--host 127.0.0.1] [--edition EE|CE] [--members N] [--quiet]\n`);
  process.exit(2);
}

export function parseArgs(argv: string[]): EmulatorOptions & { quiet: boolean } {
  const opts: EmulatorOptions & { quiet: boolean } = { port: 8000, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`missing value for ${flag}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) usage('--port must be 0..65535');
        opts.port = p;
        break;
      }
      case '--host': opts.host = value(); break;
      case '--edition': {
        const e = value().toUpperCase();
        if (e !== 'EE' && e !== 'CE') usage('--edition must be EE or CE');
        opts.edition = e;
        break;
      }
      case '--members': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0) usage('--members must be a whole number');
        opts.members = n;
        break;
      }
      case '--quiet': opts.quiet = true; break;
      case '--help': case '-h': usage('Windmill emulator (test fixture)'); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const { quiet, ...opts } = parseArgs(process.argv.slice(2));
  const emu = await startEmulator({ ...opts, log: quiet ? undefined : (line) => process.stderr.write(`[emulator] ${line}\n`) });
  process.stdout.write(`Windmill emulator listening on ${emu.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emu.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
