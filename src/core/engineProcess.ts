/**
 * The engine in a process of its own, for the bot: answering, summaries, quizzes and index
 * builds take milliseconds to seconds of computation each (a quiz or a summary of a
 * multi-megabyte document: seconds), and in the bot's own thread that time would stall
 * every other user's interaction past Discord's 3-second deadline. Here the bot's thread only
 * sends requests and receives results; the work happens in the child.
 *
 * `EngineClient` implements `VerbatimEngine`, so adapters need no change. Its synchronous
 * methods (documents, sections, sectionText) answer from copies fetched when the engine opens
 * and after each re-index (the table of contents and the texts of sections: small next to the
 * index). The child runs this same file; it exits when its parent goes (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Verbatim, type VerbatimOptions } from './engine.js';
import { VerbatimError, type VerbatimErrorCode } from './errors.js';
import type { IndexManifest } from './index/indexStore.js';
import type { Answer, AskOptions, Logger, Passage, QuizOptions, QuizQuestion, ReindexSummary, SectionInfo, Summary, SummaryOptions, VerbatimEngine } from './types.js';
import { silentLogger } from './silentLogger.js';
import { foldWhitespace } from './answer/makePassage.js';

const CHILD_FLAG = '--verbatim-engine-child';
const self = fileURLToPath(import.meta.url);

/** What the engine process can be opened with: the engine's options, less the functions (the logger is relayed). */
export type EngineProcessOptions = Omit<VerbatimOptions, 'logger' | 'onProgress'> & {
  logger?: Logger;
  /** Called when the engine process dies unasked (killed, out of memory): nothing can be answered any more. */
  onCrash?: (reason: string) => void;
};

interface Snapshot {
  manifest: IndexManifest;
  rebuiltBecause?: string;
  documents: Array<{ id: string; title: string; source?: string }>;
  sections: SectionInfo[];
  /** Every block of every section as a passage, keyed `${documentId}\u0000${section}`. */
  sectionTexts: Record<string, Passage[]>;
  /** Each document's text as the engine quotes it, for `textAt` ("Show in context"). */
  texts: Record<string, string>;
}

type Request = { id: number; method: 'ask' | 'summarise' | 'quiz' | 'reindex' | 'corpusChanged' | 'close'; args: unknown[] };
type Reply = { id: number; result?: unknown; error?: { code?: VerbatimErrorCode; message: string } };
type LogLine = { log: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg?: string };
type Opened = { opened: Snapshot } | { failed: { code?: VerbatimErrorCode; message: string } };

export class EngineClient implements VerbatimEngine {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited = false;
  private closing = false;

  private constructor(
    private readonly child: ChildProcess,
    private snapshot: Snapshot,
    onCrash: (reason: string) => void,
  ) {
    child.on('message', (message: Reply | LogLine | Opened) => {
      if (!('id' in message)) return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(toError(message.error));
      else waiting?.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the engine process exited (${signal ?? code})`));
      this.pending.clear();
      if (!this.closing) onCrash(`the engine process exited unexpectedly (${signal ?? `code ${code}`})`);
    });
  }

  /** Starts the engine process and waits until its engine is open (the index loaded or built). */
  static async open(options: EngineProcessOptions = {}): Promise<EngineClient> {
    const { logger = silentLogger, onCrash = () => {}, ...engineOptions } = options;
    // A TypeScript file needs tsx's loader in the child; compiled JavaScript needs none.
    const execArgv = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(self, [CHILD_FLAG], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: LogLine) => {
      if ('log' in message) logger[message.log](message.obj, message.msg);
    });
    const opened = await new Promise<Snapshot>((resolve, reject) => {
      child.on('message', (message: Opened) => {
        if ('opened' in message) resolve(message.opened);
        else if ('failed' in message) reject(toError(message.failed));
      });
      child.once('exit', (code, signal) => reject(new Error(`the engine process exited while opening (${signal ?? code})`)));
      child.once('error', reject);
      child.send(engineOptions);
    });
    return new EngineClient(child, opened, onCrash);
  }

  get manifest(): IndexManifest {
    return this.snapshot.manifest;
  }

  get rebuiltBecause(): string | undefined {
    return this.snapshot.rebuiltBecause;
  }

  private call<T>(method: Request['method'], ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the engine process has exited'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, method, args } satisfies Request);
    });
  }

  ask(question: string, options?: AskOptions): Promise<Answer> {
    return this.call('ask', question, options);
  }

  summarise(options?: SummaryOptions): Promise<Summary> {
    return this.call('summarise', options);
  }

  quiz(options?: QuizOptions): Promise<QuizQuestion | undefined> {
    return this.call('quiz', options);
  }

  documents(): Array<{ id: string; title: string; source?: string }> {
    return this.snapshot.documents;
  }

  sections(): SectionInfo[] {
    return this.snapshot.sections;
  }

  textAt(documentId: string, start: number, end: number): string | undefined {
    const text = this.snapshot.texts[documentId];
    if (text === undefined || start < 0 || end > text.length || end < start) return undefined;
    return foldWhitespace(text.slice(start, end));
  }

  sectionText(documentId: string, section: number, paragraph?: number): Passage[] {
    const document = this.snapshot.documents.find((d) => d.id === documentId);
    if (!document) throw new VerbatimError('UNKNOWN_DOCUMENT', `There is no document "${documentId}". Documents: ${this.snapshot.documents.map((d) => d.id).join(', ')}.`);
    const blocks = this.snapshot.sectionTexts[`${documentId}\u0000${section}`];
    if (!blocks) throw new VerbatimError('UNKNOWN_SECTION', `"${document.title}" has no section ${section}.`);
    const chosen = paragraph === undefined ? blocks : blocks.filter((b) => b.paragraph === paragraph);
    if (chosen.length === 0) throw new VerbatimError('UNKNOWN_SECTION', `Section ${section} has no paragraph ${paragraph} (it has ${blocks.length}).`);
    return chosen;
  }

  async reindex(options?: { force?: boolean }): Promise<ReindexSummary> {
    const { summary, snapshot } = await this.call<{ summary: ReindexSummary; snapshot: Snapshot }>('reindex', options);
    this.snapshot = snapshot;
    return summary;
  }

  corpusChanged(): Promise<boolean> {
    return this.call('corpusChanged');
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('close').catch(() => undefined);
    await exited;
  }
}

function toError(error: { code?: VerbatimErrorCode; message: string }): Error {
  return error.code ? new VerbatimError(error.code, error.message) : new Error(error.message);
}

/** The table of contents and section texts the parent answers synchronous calls from. */
function snapshotOf(engine: Verbatim): Snapshot {
  const sectionTexts: Record<string, Passage[]> = {};
  for (const s of engine.sections()) sectionTexts[`${s.documentId}\u0000${s.number}`] = s.paragraphs > 0 ? engine.sectionText(s.documentId, s.number) : [];
  return { manifest: engine.manifest, ...(engine.rebuiltBecause ? { rebuiltBecause: engine.rebuiltBecause } : {}), documents: engine.documents(), sections: engine.sections(), sectionTexts, texts: engine.documentTexts() };
}

function serveChild(): void {
  const send = (message: Reply | LogLine | Opened) => process.send?.(message);
  const logger: Logger = {
    debug: (obj, msg) => send({ log: 'debug', obj, ...(msg ? { msg } : {}) }),
    info: (obj, msg) => send({ log: 'info', obj, ...(msg ? { msg } : {}) }),
    warn: (obj, msg) => send({ log: 'warn', obj, ...(msg ? { msg } : {}) }),
    error: (obj, msg) => send({ log: 'error', obj, ...(msg ? { msg } : {}) }),
  };
  // The parent gone (stopped, crashed, killed): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
  // A signal to the whole process group (systemd, Ctrl-C) is for the bot, which finishes its
  // in-flight questions with this process before closing it: it must not die under them.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
  process.once('message', (options: Omit<VerbatimOptions, 'logger'>) => {
    Verbatim.open({ ...options, logger }).then(
      (engine) => {
        send({ opened: snapshotOf(engine) });
        process.on('message', (request: Request) => void handle(engine, request).then(send));
      },
      (error: Error & { code?: VerbatimErrorCode }) => {
        send({ failed: { ...(error instanceof VerbatimError ? { code: error.code } : {}), message: error.message } });
        process.disconnect?.();
      },
    );
  });
}

async function handle(engine: Verbatim, request: Request): Promise<Reply> {
  try {
    const [a, b] = request.args as [never, never];
    switch (request.method) {
      case 'ask':
        return { id: request.id, result: await engine.ask(a, b) };
      case 'summarise':
        return { id: request.id, result: await engine.summarise(a) };
      case 'quiz':
        return { id: request.id, result: engine.quiz(a) };
      case 'reindex': {
        const { manifest: _full, ...summary } = await engine.reindex(a);
        return { id: request.id, result: { summary: { ...summary, manifest: { counts: engine.manifest.counts } }, snapshot: snapshotOf(engine) } };
      }
      case 'corpusChanged':
        return { id: request.id, result: await engine.corpusChanged() };
      case 'close':
        await engine.close();
        setImmediate(() => process.disconnect?.());
        return { id: request.id };
    }
  } catch (error) {
    return { id: request.id, error: { ...(error instanceof VerbatimError ? { code: error.code } : {}), message: (error as Error).message } };
  }
}

if (process.argv.includes(CHILD_FLAG)) serveChild();
