// The undici dispatcher the client sends through: an Agent whose TLS trust is the system's CA
// certificates PLUS the extra ones the person names (a private or self-signed CA). Knows nothing of
// VS Code; undici loads only when a dispatcher is created.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** Extra CA certificates, PEM texts (see loadCaFiles). They add to the system's CAs, never replace them. */
  caCertificates?: string[];
  /** Connections per origin (undici default: unlimited). */
  connections?: number;
  /** How long an idle connection is kept open, in ms (undici default 4000). */
  keepAliveTimeoutMs?: number;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;
/** A CA file larger than this is surely not a CA bundle. */
const MAX_CA_FILE_BYTES = 5 * 1024 * 1024;

/** The CAs Node trusts by default (bundled roots, plus NODE_EXTRA_CA_CERTS where Node can tell). */
function defaultCaCertificates(): string[] {
  const get = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  if (typeof get === 'function') {
    try {
      return [...get('default')];
    } catch {
      // fall back to the bundled roots
    }
  }
  return [...tls.rootCertificates];
}

/**
 * The `ca` list for extra CA certificates: Node's default CAs followed by the extra ones (Node's
 * `ca` option replaces the default list, so the defaults must be included). Undefined without
 * extra CAs: then Node's default trust is left untouched.
 */
export function trustedCaList(extra: readonly string[] | undefined): string[] | undefined {
  const pems = (extra ?? []).filter((p) => typeof p === 'string' && p.trim() !== '');
  return pems.length > 0 ? [...defaultCaCertificates(), ...pems] : undefined;
}

/** An undici Agent whose TLS trust is the system's CAs plus `caCertificates`. */
export async function createDispatcher(opts: DispatcherOptions = {}): Promise<Dispatcher> {
  const { Agent } = await import('undici');
  const agentOpts: ConstructorParameters<typeof Agent>[0] = {};
  const ca = trustedCaList(opts.caCertificates);
  if (ca) agentOpts.connect = { ca };
  if (opts.connections !== undefined && Number.isInteger(opts.connections) && opts.connections > 0) agentOpts.connections = opts.connections;
  if (opts.keepAliveTimeoutMs !== undefined && Number.isFinite(opts.keepAliveTimeoutMs) && opts.keepAliveTimeoutMs > 0) {
    agentOpts.keepAliveTimeout = opts.keepAliveTimeoutMs;
  }
  return new Agent(agentOpts);
}

/** "~/x" -> home + "/x"; other paths unchanged (relative paths resolve against the process cwd). */
function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homedir(), p.slice(2));
  return p;
}

function readProblem(file: string, e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return `CA certificate file not found: ${file}`;
  if (code === 'EACCES' || code === 'EPERM') return `CA certificate file cannot be read (permission denied): ${file}`;
  if (code === 'EISDIR') return `CA certificate path is a folder, not a file: ${file}`;
  return `CA certificate file cannot be read: ${file}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/**
 * Reads PEM CA certificate files. Every certificate found (a file may hold a bundle) is returned
 * as its own PEM text; each unreadable, empty, binary (DER) or malformed file gives one clear
 * message in `problems`, and the other files still load. Never throws.
 */
export async function loadCaFiles(paths: string[]): Promise<{ pems: string[]; problems: string[] }> {
  const pems: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const raw of paths ?? []) {
    const given = typeof raw === 'string' ? raw.trim() : '';
    if (given === '') {
      problems.push('An empty path was given as a CA certificate file.');
      continue;
    }
    const file = expandHome(given);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (e) {
      problems.push(readProblem(given, e));
      continue;
    }
    if (buf.length > MAX_CA_FILE_BYTES) {
      problems.push(`CA certificate file is too large to be a certificate (${Math.round(buf.length / 1024)} KiB): ${given}`);
      continue;
    }
    const text = buf.toString('utf8');
    const blocks = text.match(PEM_CERT) ?? [];
    if (blocks.length === 0) {
      if (buf.length === 0 || text.trim() === '') problems.push(`CA certificate file is empty: ${given}`);
      else if (buf[0] === 0x30 && !/-----BEGIN/.test(text)) {
        problems.push(`CA certificate file is binary (DER), not PEM: ${given}. Convert it with "openssl x509 -inform der -in <file> -out <file>.pem".`);
      } else if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
        problems.push(`CA certificate file holds a private key, not a certificate: ${given}`);
      } else {
        problems.push(`CA certificate file holds no PEM certificate ("-----BEGIN CERTIFICATE-----"): ${given}`);
      }
      continue;
    }
    let bad = 0;
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch {
        bad++;
        continue;
      }
      const pem = `${block.replace(/\r\n/g, '\n').trim()}\n`;
      if (!seen.has(pem)) {
        seen.add(pem);
        pems.push(pem);
      }
    }
    if (bad > 0) {
      problems.push(`${bad === blocks.length ? 'The certificate' : `${bad} of ${blocks.length} certificates`} in ${given} could not be parsed.`);
    }
  }
  return { pems, problems };
}
