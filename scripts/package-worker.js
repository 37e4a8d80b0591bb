#!/usr/bin/env node
/*
 * `npm run package:worker [-- --out DIR]`: the card worker as a self-contained archive for a
 * workstation with readers (docs/deploy.md, "Workstations"): the worker's part of the build, the
 * production node_modules it loads (native modules built here for this Node major and platform),
 * a launcher, a config file, a systemd unit and install.sh. Nothing is downloaded: the files come
 * from this checkout's build and node_modules, following the worker's require() graph.
 */
const { execFileSync } = require('node:child_process');
const { builtinModules } = require('node:module');
const {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve } = require('node:path');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const outDir = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(root, 'dist-package'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const nodeMajor = process.versions.node.split('.')[0];
const name = `scm-card-worker-${version}-linux-${process.arch}-node${nodeMajor}`;
const entry = join(root, 'dist', 'apps', 'card-worker', 'src', 'main.js');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

execFileSync(process.execPath, [join(root, 'scripts', 'build.js')], { stdio: 'inherit' });

/** Every .js file under a directory of the build. */
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/**
 * The build's files the worker loads, and the packages it names. A library or app the worker
 * reaches goes whole (its files may start others by path, e.g. the PC/SC reader host process).
 */
function walk() {
  const files = new Set();
  const packages = new Set();
  const units = new Set();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop();
    if (files.has(f)) continue;
    files.add(f);
    const unit = /^(dist\/(?:libs|apps)\/[^/]+)\//.exec(relative(root, f));
    if (unit && !units.has(unit[1])) {
      units.add(unit[1]);
      todo.push(...jsFiles(join(root, unit[1])));
    }
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/require\(["']([^"']+)["']\)/g)) {
      const spec = m[1];
      if (builtins.has(spec)) continue;
      if (spec.startsWith('.')) {
        const base = resolve(dirname(f), spec);
        const hit = [base, `${base}.js`, join(base, 'index.js')].find((p) => existsSync(p) && statSync(p).isFile());
        if (!hit) throw new Error(`${relative(root, f)}: cannot resolve ${spec}`);
        todo.push(hit);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  }
  return { files, packages };
}

/** Each package's directory in node_modules, with everything it depends on (as Node would resolve it). */
function closure(names) {
  const dirs = new Set();
  const visit = (pkg, from) => {
    let dir;
    for (let d = from; ; d = dirname(d)) {
      const cand = join(d, 'node_modules', pkg);
      if (existsSync(join(cand, 'package.json'))) {
        dir = cand;
        break;
      }
      if (d === root || d === dirname(d)) break;
    }
    if (!dir) return false;
    if (dirs.has(dir)) return true;
    dirs.add(dir);
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pj.dependencies || {})) {
      if (!visit(dep, dir)) throw new Error(`${pkg} needs ${dep}, which is not installed`);
    }
    // Optional and peer dependencies go along when they are installed (the package may load them).
    for (const dep of [...Object.keys(pj.optionalDependencies || {}), ...Object.keys(pj.peerDependencies || {})]) visit(dep, dir);
    return true;
  };
  for (const n of names) if (!visit(n, root)) throw new Error(`the worker needs ${n}, which is not installed (npm ci)`);
  return dirs;
}

const LAUNCHER = `#!/bin/sh
# scm-card-worker [--config FILE]: the SCM card worker of this workstation (one pcscd, its readers).
# The config file holds KEY=VALUE lines (# comments); they become the worker's environment.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
config=\${SCM_WORKER_CONFIG:-/etc/scm-card-worker/worker.env}
if [ "\${1:-}" = "--config" ]; then config=$2; shift 2; fi
if [ -f "$config" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    key=\${line%%=*}
    case "$key" in '' | *[!A-Za-z0-9_]*) echo "scm-card-worker: $config: not a KEY=VALUE line: $line" >&2; exit 78 ;; esac
    export "$key=\${line#*=}"
  done < "$config"
else
  echo "scm-card-worker: no config file $config (copy $here/etc/worker.env.example there)" >&2
  exit 78
fi
node=\${SCM_NODE:-node}
major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null) || { echo "scm-card-worker: Node.js ${nodeMajor} is needed and $node was not found" >&2; exit 69; }
if [ "$major" != ${nodeMajor} ]; then
  echo "scm-card-worker: this package is built for Node.js ${nodeMajor} (its native modules), $node is Node.js $major" >&2
  exit 69
fi
exec "$node" "$here/dist/apps/card-worker/src/main.js"
`;

const CONFIG = `# SCM card worker configuration (KEY=VALUE). Mode 0640, owner root, group scm-worker: the
# enrolment token is a secret until the worker's first start uses it up.

# The issuer API, through its TLS proxy.
SCM_API_URL=https://scm.example.org
# One-time enrolment token an officer made for this workstation (bin/scm worker enroll-token
# --workstation N). After the first start the worker has its own key and no longer needs it.
SCM_ENROLLMENT_TOKEN=
# This workstation's number (the one the token was made for).
SCM_WORKSTATION=0
# Keys and id of this worker (created on the first start).
SCM_STATE_DIR=/var/lib/scm-card-worker
# The proxy's certificate, when a CA the system trusts did not sign it.
#NODE_EXTRA_CA_CERTS=/etc/scm-card-worker/api-ca.pem
# pcscd of this host (Debian: apt install pcscd); its default socket unless set.
#PCSCLITE_CSOCK_NAME=/run/pcscd/pcscd.comm
SCM_LOG_LEVEL=info
`;

const UNIT = `[Unit]
Description=SCM card worker (the card readers of this workstation)
Documentation=file:/opt/scm-card-worker/README
After=network-online.target pcscd.socket
Wants=network-online.target pcscd.socket

[Service]
Type=simple
User=scm-worker
Group=scm-worker
ExecStart=/opt/scm-card-worker/bin/scm-card-worker --config /etc/scm-card-worker/worker.env
Restart=on-failure
RestartSec=5
StateDirectory=scm-card-worker
StateDirectoryMode=0700
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=/var/lib/scm-card-worker

[Install]
WantedBy=multi-user.target
`;

const INSTALL = `#!/bin/sh
# install.sh [--prefix DIR] [--no-systemd]: installs the SCM card worker into DIR (default /):
#   DIR/opt/scm-card-worker            the program (replaced on upgrade)
#   DIR/etc/scm-card-worker/worker.env its configuration (kept on upgrade)
#   DIR/var/lib/scm-card-worker        its keys and id (kept)
#   DIR/etc/systemd/system/scm-card-worker.service
# Needs: Node.js ${nodeMajor} (node on PATH, or SCM_NODE), and pcscd on this host.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
prefix=/
systemd=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --no-systemd) systemd=0; shift ;;
    *) echo "install.sh: unknown option $1 (use --prefix DIR, --no-systemd)" >&2; exit 2 ;;
  esac
done
node=\${SCM_NODE:-node}
major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
[ "$major" = ${nodeMajor} ] || { echo "install.sh: Node.js ${nodeMajor} is needed (found: $major); install it first" >&2; exit 69; }
command -v pcscd >/dev/null 2>&1 || [ -S /run/pcscd/pcscd.comm ] || echo "install.sh: warning: pcscd not found; install it (Debian: apt install pcscd)" >&2
app="$prefix/opt/scm-card-worker"
rm -rf "$app.new"
mkdir -p "$app.new"
cp -R "$src/dist" "$src/node_modules" "$src/bin" "$src/etc" "$src/systemd" "$src/package.json" "$src/README" "$app.new/"
rm -rf "$app"
mv "$app.new" "$app"
mkdir -p "$prefix/etc/scm-card-worker" "$prefix/var/lib/scm-card-worker"
chmod 0700 "$prefix/var/lib/scm-card-worker"
if [ ! -f "$prefix/etc/scm-card-worker/worker.env" ]; then
  (umask 077; cp "$src/etc/worker.env.example" "$prefix/etc/scm-card-worker/worker.env")
  echo "install.sh: edit $prefix/etc/scm-card-worker/worker.env (API URL, enrolment token, workstation)"
fi
if [ "$systemd" = 1 ]; then
  mkdir -p "$prefix/etc/systemd/system"
  cp "$src/systemd/scm-card-worker.service" "$prefix/etc/systemd/system/"
  if [ "$prefix" = / ]; then
    id scm-worker >/dev/null 2>&1 || useradd --system --home-dir /var/lib/scm-card-worker --shell /usr/sbin/nologin scm-worker
    chown scm-worker:scm-worker /var/lib/scm-card-worker
    chgrp scm-worker /etc/scm-card-worker/worker.env && chmod 0640 /etc/scm-card-worker/worker.env
    command -v systemctl >/dev/null 2>&1 && systemctl daemon-reload || true
    echo "install.sh: then: systemctl enable --now scm-card-worker; journalctl -u scm-card-worker shows the fingerprint to approve"
  fi
fi
echo "install.sh: installed into $app"
`;

const README = `SCM card worker ${version} (Linux ${process.arch}, Node.js ${nodeMajor})

Runs on a workstation with card readers: it reaches the readers through this host's pcscd and the
issuer API over HTTPS. Needs Node.js ${nodeMajor} and pcscd (Debian: apt install nodejs pcscd).

  sudo ./install.sh
  sudoedit /etc/scm-card-worker/worker.env     # API URL, enrolment token, workstation number
  sudo systemctl enable --now scm-card-worker
  journalctl -u scm-card-worker                # the fingerprint an officer approves

See docs/deploy.md in the SCM repository ("Workstations").
`;

function main() {
  const { files, packages } = walk();
  const dirs = closure(packages);
  const stage = mkdtempSync(join(tmpdir(), 'scm-package-'));
  const top = join(stage, name);
  for (const f of files) {
    const to = join(top, relative(root, f));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  for (const d of dirs) {
    // The package's own nested node_modules are copied with it only for the packages it needs.
    cpSync(d, join(top, relative(root, d)), {
      recursive: true,
      filter: (p) => !relative(d, p).split('/').includes('node_modules'),
    });
  }
  const w = (p, text, mode = 0o644) => {
    mkdirSync(dirname(join(top, p)), { recursive: true });
    writeFileSync(join(top, p), text);
    chmodSync(join(top, p), mode);
  };
  w(
    'package.json',
    `${JSON.stringify(
      {
        name: 'scm-card-worker',
        version,
        private: true,
        description: 'SCM card worker for a workstation with card readers',
        engines: { node: `${nodeMajor}.x` },
        os: ['linux'],
        cpu: [process.arch],
        dependencies: Object.fromEntries(
          [...packages].sort().map((p) => [p, JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version]),
        ),
      },
      null,
      2,
    )}\n`,
  );
  w('bin/scm-card-worker', LAUNCHER, 0o755);
  w('etc/worker.env.example', CONFIG);
  w('systemd/scm-card-worker.service', UNIT);
  w('install.sh', INSTALL, 0o755);
  w('README', README);
  mkdirSync(outDir, { recursive: true });
  const archive = join(outDir, `${name}.tar.gz`);
  execFileSync('tar', ['-C', stage, '--owner=0', '--group=0', '-czf', archive, name]);
  rmSync(stage, { recursive: true, force: true });
  const size = statSync(archive).size;
  process.stdout.write(`${archive} (${(size / 1024 / 1024).toFixed(1)} MB, ${files.size} build files, ${dirs.size} packages)\n`);
}

main();
