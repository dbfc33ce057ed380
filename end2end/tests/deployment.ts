// What the deployment journeys start: a throwaway PostgreSQL cluster from
// Debian's postgresql package, the commands of docs/deploy.md, and nginx.
// Everything lives in a folder of the system's temporary folder, and goes
// with it.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const asRoot = process.getuid?.() === 0;
/** PostgreSQL's own account: as root, `initdb` and the server run as it. */
const SYSTEM_USER = 'postgres';
/** The cluster's superuser, as docs/deploy.md names the service's role. */
export const DB_USER = 'northstar';

/** The fenced blocks of `language` in docs/deploy.md under `heading`. */
export function docBlocks(heading: string, language: string): string[] {
  const doc = readFileSync('../docs/deploy.md', 'utf8');
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/deploy.md has no "${heading}"`);
  const level = heading.split(' ')[0];
  const rest = doc.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n${level} `));
  const section = next < 0 ? rest : rest.slice(0, next);
  const blocks = [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))];
  return blocks.map((block) => block[1]);
}

/** The lines of a shell block, without comments and blank lines. */
export function commandLines(block: string): string[] {
  return block.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

function pgBin(): string {
  const configured = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (configured.status === 0 && existsSync(join(configured.stdout.trim(), 'initdb'))) {
    return configured.stdout.trim();
  }
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').map(Number).filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    : [];
  if (versions.length === 0) throw new Error("no PostgreSQL: install Debian's postgresql (scripts/setup.sh does)");
  return `/usr/lib/postgresql/${Math.max(...versions)}/bin`;
}

/** Runs a PostgreSQL program, as its own account when we are root. */
function pg(program: string, args: string[]) {
  const path = join(pgBin(), program);
  return asRoot
    ? execFileSync('runuser', ['-u', SYSTEM_USER, '--', path, ...args], { stdio: 'pipe' })
    : execFileSync(path, args, { stdio: 'pipe' });
}

export interface Cluster {
  dir: string;
  /** The URL of database `name` on it, as Northstar takes it. */
  url(name: string): string;
  /** Runs SQL on database `name`; returns the rows, tab-separated. */
  query(name: string, sql: string): string[][];
  /** Runs one of PostgreSQL's command-line tools (`words`) against it. */
  run(words: string[]): void;
  stop(): void;
}

/** Starts a PostgreSQL cluster of its own in the system's temporary folder. */
export function startCluster(): Cluster {
  const dir = mkdtempSync(join(tmpdir(), 'northstar-e2e-pg-'));
  if (asRoot) execFileSync('chown', [`${SYSTEM_USER}:`, dir]);
  const data = join(dir, 'data');
  pg('initdb', ['-D', data, '-A', 'trust', '-U', DB_USER, '--encoding=UTF8', '--locale=C', '--no-sync']);
  appendFileSync(
    join(data, 'postgresql.conf'),
    `listen_addresses = ''\nunix_socket_directories = '${dir}'\nfsync = off\n` +
      `synchronous_commit = off\nmax_connections = 200\ndynamic_shared_memory_type = mmap\n`,
  );
  pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const flags = ['-h', dir, '-U', DB_USER];
  return {
    dir,
    run([tool, ...args]) {
      execFileSync(join(pgBin(), tool), [...args, ...flags], { stdio: 'pipe' });
    },
    url: (name) => `postgres://${DB_USER}@localhost/${name}?host=${dir}`,
    query(name, sql) {
      const out = execFileSync(join(pgBin(), 'psql'), [...flags, '-d', name, '-AtF', '\t', '-c', sql], {
        encoding: 'utf8',
      });
      return out.split('\n').filter(Boolean).map((row) => row.split('\t'));
    },
    stop() {
      try {
        pg('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A process started from a command line of docs/deploy.md. */
export class Started {
  private exited: Promise<unknown>;
  constructor(readonly name: string, readonly process: ChildProcess) {
    this.exited = once(process, 'exit');
    let errors = '';
    process.stderr?.on('data', (chunk) => {
      errors = (errors + chunk).slice(-4000);
    });
    process.on('exit', (code, signal) => {
      if (code && code !== 0) console.error(`${name} exited with ${code}:\n${errors}`);
      void signal;
    });
  }

  get running() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async kill(signal: NodeJS.Signals) {
    if (!this.running) return;
    this.process.kill(signal);
    await this.exited;
  }
}

/**
 * Starts a `northstar serve` line of docs/deploy.md (`NAME=value … northstar
 * serve …`), with `replace` applied to its words and `extra` arguments.
 */
export function startNorthstar(name: string, line: string, replace: Record<string, string>, extra: string[]) {
  const words = line.split(/\s+/).map((word) => replace[word] ?? word);
  const env: Record<string, string> = { ...process.env, RUST_LOG: 'warn' } as Record<string, string>;
  while (words[0]?.includes('=')) {
    const [key, ...value] = words.shift()!.split('=');
    env[key] = replace[value.join('=')] ?? value.join('=');
  }
  if (words.shift() !== 'northstar') throw new Error(`not a northstar command: ${line}`);
  const child = spawn('../target/release/northstar', [...words, ...extra], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Started(name, child);
}

/** Waits until `url` answers 200; returns its JSON. */
export async function healthy(url: string): Promise<{ instance: string }> {
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return (await response.json()) as { instance: string };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** The nginx binary: Debian puts it in /usr/sbin, which a user's PATH may lack. */
function nginxBinary(): string {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  throw new Error("no nginx: install Debian's nginx (scripts/setup.sh does)");
}

/** Starts nginx in `dir` with `block` (the `http` part of docs/deploy.md's example). */
export function startNginx(dir: string, block: string): Started {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${asRoot ? 'user root;\n' : ''}worker_processes 1;\npid ${join(dir, 'nginx.pid')};\n` +
      `error_log ${join(dir, 'nginx-error.log')} warn;\nevents { worker_connections 1024; }\n` +
      `http {\naccess_log off;\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n')}\n` +
      `${block}\n}\n`,
  );
  const args = ['-p', dir, '-e', join(dir, 'nginx-error.log'), '-c', conf];
  execFileSync(nginxBinary(), [...args, '-t'], { stdio: 'pipe' });
  return new Started('nginx', spawn(nginxBinary(), [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] }));
}
