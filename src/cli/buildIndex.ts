/**
 * `npm run index`: (re)build the index of the corpus, with a progress bar, and say what was built.
 *
 *   --doc FILE / --corpus DIR   index another document or folder (into .cache/indexes/)
 */
import { parseArgs } from 'node:util';
import { EXIT, reportError, runMain, UsageError, type CliIO } from './io.js';
import { openEngine } from './openEngine.js';

export const USAGE = `Usage: npm run index -- [--doc FILE | --corpus DIR]

Builds the search index of the bundled corpus (corpus/ -> embeddings/), or of another
document or folder. Asking rebuilds a missing or stale index by itself; run this after
changing the corpus to pay that cost up front.`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { doc: { type: 'string' }, corpus: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } }));
    if (values.doc && values.corpus) throw new UsageError('use --doc or --corpus, not both');
  } catch (error) {
    return reportError(error instanceof UsageError ? error : new UsageError((error as Error).message), io, USAGE);
  }
  if (values.help) {
    io.stdout(USAGE + '\n');
    return EXIT.ok;
  }
  const started = performance.now();
  try {
    const engine = await openEngine({ doc: values.doc, corpus: values.corpus }, io, { rebuild: 'always' });
    const m = engine.manifest;
    const seconds = (performance.now() - started) / 1000;
    io.stdout(
      `Indexed ${m.counts.documents} document(s): ${m.counts.sections} sections, ${m.counts.sentences} sentences, ${m.counts.chunks} chunks ` +
        `with ${m.model.name} (${m.model.dimension} dimensions) in ${seconds.toFixed(1)} s.\n` +
        `Off-topic questions score ${m.calibration.offTopicMean.toFixed(3)} ± ${m.calibration.offTopicStd.toFixed(3)} against it (refusal calibration).\n`,
    );
    await engine.close();
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, USAGE);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
