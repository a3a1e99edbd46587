import {createHash} from 'node:crypto'
import {readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'
import {KernelModelSchema, type KernelModel} from '../model/schema.js'
import {MAX_INPUT_BYTES, readBounded} from './bounded-read.js'

/** A validated model file and the identity results record for it. */
export interface LoadedModel {
  model: KernelModel
  /** sha256 (hex) of the file's bytes exactly as read, so a result names the model it used. */
  sha256: string
  /** How the file is named in messages: the path the user gave, or models/<name> for shipped ones. */
  source: string
}

const FIX = 'correct that field (the format is described in docs/model.md), or write a fresh file with `densityplan calibrate --out FILE`'

/**
 * Reads, parses and validates one model file. Every failure is an InputError (exit 2) whose
 * message is one line naming the file and, for schema problems, the field path, e.g.
 * `models/x.json: costs.copy.perUnitNs: Invalid input: expected number, received string`.
 */
export async function loadModelFile(path: string, opts: {source?: string} = {}): Promise<LoadedModel> {
  const source = opts.source ?? path
  let bytes: Buffer
  try {
    bytes = await readBounded(path, MAX_INPUT_BYTES.model, 'model file')
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code ?? 'read error'
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a model file' : `cannot be read (${code})`
    throw new InputError(`${source}: ${what}`, 'check the path; without --model/--otn-model the shipped models in models/ are used', {cause: err})
  }
  return parseModelBytes(bytes, source)
}

/** Parses and validates model file bytes already in memory (see loadModelFile). */
export function parseModelBytes(bytes: Uint8Array, source: string): LoadedModel {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(bytes))
  } catch (err) {
    throw new InputError(
      `${source}: not valid JSON (${(err as Error).message})`,
      'fix the JSON syntax at the position shown, or regenerate the file with `densityplan calibrate --out FILE`',
      {cause: err},
    )
  }
  const parsed = KernelModelSchema.safeParse(json)
  if (!parsed.success) throw new InputError(describeSchemaError(source, parsed.error), FIX)
  return {model: parsed.data, sha256: createHash('sha256').update(bytes).digest('hex'), source}
}

/** The models/ directory shipped in the package (two levels up from src/io or dist/io). */
export function shippedModelsDir(): string {
  return fileURLToPath(new URL('../../models/', import.meta.url))
}

/**
 * Loads every models/*.json, in file-name order. A broken shipped file is reported, not
 * skipped: silently planning with a different model than the user expects is worse.
 */
export async function loadShippedModels(
  dir: string = shippedModelsDir(),
  sourceOf: (name: string) => string = (name) => `models/${name}`,
): Promise<LoadedModel[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const out: LoadedModel[] = []
  for (const name of names) out.push(await loadModelFile(join(dir, name), {source: sourceOf(name)}))
  return out
}
