/**
 * `npm run index`: (re)build the index of the corpus, with a progress bar, and say what was built.
 *
 *   --doc FILE / --corpus DIR   index another document or folder (into .cache/indexes/)
 */
import { EXIT, runMain } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { engineCommand, parseCommandLine } from './command.js';

export const USAGE = `Usage: npm run index -- [--doc FILE | --corpus DIR]

Builds the search index of the bundled corpus (corpus/ -> embeddings/), or of another
document or folder. Asking rebuilds a missing or stale index by itself; run this after
changing the corpus to pay that cost up front.`;

interface IndexArgs {
  corpus: CorpusChoice;
  started: number;
}

export const main = engineCommand<IndexArgs>({
  usage: USAGE,
  parse(argv) {
    const parsed = parseCommandLine(argv, {});
    return parsed === 'help' ? 'help' : { corpus: parsed.corpus, started: performance.now() };
  },
  engineOptions: { rebuild: 'always' },
  async run(engine, args, io) {
    const m = engine.manifest;
    const seconds = (performance.now() - args.started) / 1000;
    io.stdout(
      `Indexed ${m.counts.documents} document(s): ${m.counts.sections} sections, ${m.counts.sentences} sentences, ${m.counts.chunks} chunks ` +
        `with ${m.model.name} (${m.model.dimension} dimensions) in ${seconds.toFixed(1)} s.\n` +
        `Off-topic questions score ${m.calibration.offTopicMean.toFixed(3)} ± ${m.calibration.offTopicStd.toFixed(3)} against it (refusal calibration).\n`,
    );
    return EXIT.ok;
  },
});

runMain(import.meta.url, main);
