/**
 * `npm run summary`: an extractive summary of the document, or of one section: its most
 * central sentences, quoted word for word in document order, each with its citation.
 *
 *   --section N      summarise section N only (see `/sections` in `npm run chat`)
 *   --sentences K    how many sentences (default 5)
 *   --json           print {"passages": [...]}, the passage shape of `ask --json`
 *   --doc FILE       summarise another document (indexed into .cache/ on first use)
 *   --corpus DIR     summarise another folder of documents
 *   --document ID    with a folder of several documents: which one
 */
import { EXIT, runMain } from './io.js';
import type { CorpusChoice } from './openEngine.js';
import { documentOption, engineCommand, intOption, parseCommandLine } from './command.js';
import { formatPassage } from './format.js';
import { printable } from '../core/text/printable.js';
import { DEFAULT_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES } from '../core/limits.js';
import { NOTHING_TO_SUMMARISE } from '../core/summarise/summarise.js';

export const USAGE = `Usage: npm run summary -- [options]

Options:
  --section N     summarise one section (numbers as in /sections); default the whole document
  --sentences K   number of sentences, 1-${MAX_SUMMARY_SENTENCES} (default ${DEFAULT_SUMMARY_SENTENCES})
  --json          print JSON: {"passages": [{quote, document, documentId, section, paragraph, start, end, score}]}
  --doc FILE      summarise this .txt/.md file instead of the bundled corpus
  --corpus DIR    summarise this folder of .txt/.md files
  --document ID   which document of the folder (its path inside the folder)
  -h, --help      show this help`;

export interface SummaryArgs {
  section?: number;
  sentences: number;
  json: boolean;
  document?: string;
  corpus: CorpusChoice;
}

export function parseSummaryArgs(argv: string[]): SummaryArgs | 'help' {
  const parsed = parseCommandLine(argv, { section: { type: 'string' }, sentences: { type: 'string' }, json: { type: 'boolean', default: false }, document: { type: 'string' } });
  if (parsed === 'help') return 'help';
  const { values, corpus } = parsed;
  const document = documentOption(values, corpus);
  return {
    section: intOption('section', values.section, 0, Number.MAX_SAFE_INTEGER),
    sentences: intOption('sentences', values.sentences, 1, MAX_SUMMARY_SENTENCES) ?? DEFAULT_SUMMARY_SENTENCES,
    json: Boolean(values.json),
    document,
    corpus,
  };
}

export const main = engineCommand<SummaryArgs>({
  usage: USAGE,
  parse: parseSummaryArgs,
  async run(engine, args, io) {
    const summary = await engine.summarise({ documentId: args.document, section: args.section, sentences: args.sentences });
    if (args.json) {
      io.stdout(JSON.stringify(summary) + '\n');
      return EXIT.ok;
    }
    const documents = engine.documents();
    const showDocument = documents.length > 1 && args.document === undefined;
    const title = args.document ? documents.find((d) => d.id === args.document)!.title : documents.map((d) => d.title).join('; ');
    const where = args.section === undefined ? '' : ` — §${args.section} ${engine.sections().find((s) => s.number === args.section && (args.document === undefined || s.documentId === args.document))!.title}`;
    io.stdout(`${printable(`Summary of “${title}”${where}`)}\n\n`);
    if (summary.passages.length === 0) io.stdout(NOTHING_TO_SUMMARISE + '\n');
    else io.stdout(summary.passages.map((p, i) => formatPassage(p, i, { showDocument })).join('\n\n') + '\n');
    return EXIT.ok;
  },
});

runMain(import.meta.url, main);
