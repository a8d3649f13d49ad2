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
import { parseArgs } from 'node:util';
import { EXIT, reportError, runMain, UsageError, type CliIO } from './io.js';
import { openEngine } from './openEngine.js';
import { formatPassage } from './format.js';
import { DEFAULT_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES } from '../core/summarise/summarise.js';
import type { Verbatim } from '../core/engine.js';

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
  doc?: string;
  corpus?: string;
  document?: string;
}

/** A whole number from `min` to `max`, or a UsageError naming the option. */
export function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}, got "${value}"`);
  }
  return n;
}

export function parseSummaryArgs(argv: string[]): SummaryArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        section: { type: 'string' },
        sentences: { type: 'string' },
        json: { type: 'boolean', default: false },
        doc: { type: 'string' },
        corpus: { type: 'string' },
        document: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  if (values.doc && values.corpus) throw new UsageError('use --doc or --corpus, not both');
  if (values.doc && values.document) throw new UsageError('--document picks a document of --corpus; with --doc there is only one');
  return {
    section: intOption('section', values.section, 0, Number.MAX_SAFE_INTEGER),
    sentences: intOption('sentences', values.sentences, 1, MAX_SUMMARY_SENTENCES) ?? DEFAULT_SUMMARY_SENTENCES,
    json: values.json,
    doc: values.doc,
    corpus: values.corpus,
    document: values.document,
  };
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let args: SummaryArgs | 'help';
  try {
    args = parseSummaryArgs(argv);
  } catch (error) {
    return reportError(error, io, USAGE);
  }
  if (args === 'help') {
    io.stdout(USAGE + '\n');
    return EXIT.ok;
  }

  let engine: Verbatim | undefined;
  try {
    engine = await openEngine({ doc: args.doc, corpus: args.corpus }, io);
    const summary = await engine.summarise({ documentId: args.document, section: args.section, sentences: args.sentences });
    if (args.json) {
      io.stdout(JSON.stringify(summary) + '\n');
      return EXIT.ok;
    }
    const documents = engine.documents();
    const showDocument = documents.length > 1 && args.document === undefined;
    const title = args.document ? documents.find((d) => d.id === args.document)!.title : documents.map((d) => d.title).join('; ');
    const where = args.section === undefined ? '' : ` — §${args.section} ${engine.sections().find((s) => s.number === args.section && (args.document === undefined || s.documentId === args.document))!.title}`;
    io.stdout(`Summary of “${title}”${where}\n\n`);
    if (summary.passages.length === 0) io.stdout('There is no sentence here that reads well on its own (only code, lists or headings).\n');
    else io.stdout(summary.passages.map((p, i) => formatPassage(p, i, { showDocument })).join('\n\n') + '\n');
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, USAGE);
  } finally {
    await engine?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
