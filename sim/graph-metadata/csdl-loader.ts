// Where Graph's v1.0 CSDL lives and the one in-memory model of it: read and indexed on first use.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CsdlModel } from './csdl-model';
import { parseCsdl } from './csdl-parser';

/** Environment variable naming another CSDL file (e.g. a newer metadata snapshot). */
export const CSDL_PATH_ENV = 'CRW_GRAPH_CSDL';

// sim/graph-metadata/ (or dist/sim/graph-metadata/) → the repository root is the nearest folder with package.json.
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
}

/** The CSDL file: $CRW_GRAPH_CSDL, else <repo>/../shared/reference/graph-v1.0-csdl.xml. */
export function graphCsdlPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CSDL_PATH_ENV];
  if (override) return path.resolve(override);
  return path.resolve(repoRoot(), '..', 'shared', 'reference', 'graph-v1.0-csdl.xml');
}

let cached: { path: string; model: CsdlModel } | undefined;

/** The indexed Graph v1.0 metadata, parsed once per process (per path). */
export function graphMetadata(): CsdlModel {
  const file = graphCsdlPath();
  if (cached?.path === file) return cached.model;
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Graph v1.0 metadata (CSDL) not readable at ${file} (set ${CSDL_PATH_ENV} to its path): ${reason}`,
    );
  }
  const model = parseCsdl(xml);
  if (model.containerChildren.size === 0)
    throw new Error(`${file} holds no EntityContainer: is it Graph's CSDL ($metadata)?`);
  cached = { path: file, model };
  return model;
}
