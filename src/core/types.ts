/**
 * The shapes that cross the engine's boundary. The core knows nothing of Discord or the
 * terminal: adapters receive these plain objects and format them for their medium.
 *
 * Every `start`/`end` pair is a half-open range of UTF-16 code-unit offsets into the
 * original file text (`ParsedDocument.text`), so `text.slice(start, end)` gives back the
 * exact characters the bot quotes.
 */

/** One sentence of a block. `text` is `document.text.slice(start, end)`. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

export type BlockKind = 'paragraph' | 'list-item' | 'code';

/** A paragraph, a list item or a code block inside a section. */
export interface Block {
  kind: BlockKind;
  /** 1-based position of this block within its section (the "¶" of a citation). */
  paragraph: number;
  /** Original text of the block, exactly `document.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  sentences: Sentence[];
  /**
   * For a list item: the `paragraph` number of the block that introduces the list
   * (the line ending with ':'), when there is one. Lets a quote carry its lead-in.
   */
  leadIn?: number;
  /** For a PDF: the 1-based page the block starts on ("p. 12" in a citation). */
  page?: number;
}

/**
 * A titled part of a document. Numbering: the text before the first heading (the lead) is
 * section 0 titled "Introduction"; headings are numbered 1, 2, 3… in document order,
 * whatever their level. Sections never overlap: a parent section holds only the text
 * before its first child heading.
 */
export interface Section {
  number: number;
  title: string;
  /** 0 for the lead, 1–6 for headings (plain-text headings are level 1). */
  level: number;
  /** Titles of the enclosing sections, outermost first (Markdown nesting). */
  parents: string[];
  /** Range of the section's body and heading line in the original text. */
  start: number;
  end: number;
  blocks: Block[];
}

export interface ParsedDocument {
  /** Stable id: the file path relative to the corpus folder, with '/' separators. */
  id: string;
  /** Absolute path of the file it was read from. */
  path: string;
  /** From front matter or sidecar metadata, else the first heading, else the file name. */
  title: string;
  source?: string;
  /**
   * The original file contents, exactly as read (UTF-8, BOM removed); for a PDF, web page or
   * Word file, the text extracted from it.
   */
  text: string;
  sections: Section[];
}

/** A retrieval unit: consecutive sentences of one section. */
export interface Chunk {
  id: number;
  /** Index into the corpus's documents. */
  doc: number;
  /** Section number within its document. */
  section: number;
  /** Sentence range, as indexes into the corpus's flat sentence table (inclusive). */
  firstSentence: number;
  lastSentence: number;
  start: number;
  end: number;
  /** The chunk's text as embedded (sentences joined by single spaces). */
  text: string;
  /** Model tokens counted with the model's own tokenizer. */
  tokens: number;
}

/** Where a quote comes from: enough for a citation like "§2 Title, ¶1". */
export interface SectionRef {
  number: number;
  title: string;
}

/**
 * One quote of an answer. This is the public JSON contract (`ask --json`, summaries,
 * users' scripts): fields may be added, never renamed or removed.
 */
export interface Passage {
  /** Exact text from the source file (whitespace folded for hard-wrapped Markdown). */
  quote: string;
  /** The document's title. */
  document: string;
  /** The document's id (path relative to its corpus folder). */
  documentId: string;
  section: SectionRef;
  /** 1-based block number within the section. */
  paragraph: number;
  start: number;
  end: number;
  /** Relevance in [0, 1]; higher is better. Comparable within one answer only. */
  score: number;
  /** For a list item: the line that introduces the list, quoted with its own offsets. */
  leadIn?: { quote: string; paragraph: number; start: number; end: number };
  /** For a PDF: the page the quoted paragraph starts on (1-based). */
  page?: number;
  /** Where the document can be read (its `source`: a URL or a message link), when known. */
  source?: string;
}

export interface Answer {
  question: string;
  answered: boolean;
  passages: Passage[];
  /** When not answered: the sections closest to the question, best first. */
  closestSections?: Array<{ document: string; documentId: string; section: SectionRef }>;
  /** When not answered: why, in a sentence or two a person can read ("The document doesn't seem to answer that. It never mentions …"). */
  reason?: string;
  /**
   * What the decision to answer rested on, when it came to the refusal rule: its `score`
   * (answered when >= 0) and the signals it weighs (see retrieve/calibrate).
   */
  confidence?: RefusalSignals & { score: number };
}

/** The refusal rule's inputs, each measured against this corpus (see retrieve/calibrate). */
export interface RefusalSignals {
  /** Best chunk's similarity to the question, in robust standard deviations above what off-topic questions score. */
  chunkZ: number;
  /** The same for the best single sentence among the candidates. */
  sentenceZ: number;
  /** Share of the question's content words the corpus uses, or has a close word for (0-1). */
  coverage: number;
  /** Share of the names in the question (capitalised words after the first) the corpus never uses (0-1). */
  nameGap: number;
  /** How well the best candidate sentence's tokens align with the question's words, weighted by rarity (0-1; answer/alignTokens). */
  alignment: number;
}

/** A section as listed in a table of contents. */
export interface SectionInfo {
  document: string;
  documentId: string;
  number: number;
  title: string;
  level: number;
  parents: string[];
  paragraphs: number;
  /** Length of the section's text in characters. */
  length: number;
}

/** Minimal logger interface the core accepts (pino satisfies it). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Progress hook for long work (indexing); the CLI draws a bar with it. */
export type ProgressHook = (event: { phase: string; done: number; total: number }) => void;

export interface AskOptions {
  /** How many passages to return (default 3). */
  top?: number;
  /** Skip this many of the best passages ("More passages" pages through with it). */
  offset?: number;
}

export interface SummaryOptions {
  /** Limit the summary to one document (default: every document in the corpus). */
  documentId?: string;
  /** Limit the summary to one section of that document (requires a single-document corpus or documentId). */
  section?: number;
  /** How many sentences to quote (default 5). */
  sentences?: number;
}

export interface Summary {
  /** Quoted sentences in document order, each with its citation. */
  passages: Passage[];
}

export interface QuizOptions {
  documentId?: string;
  section?: number;
  /** Same seed, same corpus: same question. */
  seed?: number;
}

/** A multiple-choice question made from the document: a key term blanked out of a sentence. */
export interface QuizQuestion {
  /** Stable id, derived from the sentence and the blanked term. */
  id: string;
  /** The sentence with the key term replaced by "_____". */
  prompt: string;
  /** Four options, one of them the blanked term. */
  options: string[];
  answerIndex: number;
  /** The full sentence the question was made from, with its citation. */
  passage: Passage;
}

/** What a re-index did. */
export interface ReindexSummary {
  /** False when the corpus on disk was what the index already held (nothing rebuilt). */
  changed: boolean;
  ms: number;
  manifest: { counts: { documents: number; sections: number; sentences: number; chunks: number } };
}

/**
 * What the adapters (command line, Discord) use. Implemented by `Verbatim` in engine.ts.
 */
export interface VerbatimEngine {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  sections(): SectionInfo[];
  /** The exact text of a section (or one paragraph of it) as passages, one per block. */
  sectionText(documentId: string, section: number, paragraph?: number): Passage[];
  summarise(options?: SummaryOptions): Promise<Summary>;
  /** Synchronous in-process (`Verbatim`); a promise from an engine in another process (`EngineClient`): await it. */
  quiz(options?: QuizOptions): QuizQuestion | undefined | Promise<QuizQuestion | undefined>;
  /** The documents in the corpus, in order. */
  documents(): Array<{ id: string; title: string; source?: string }>;
  /**
   * A quote's exact text again, from its document's offsets (whitespace folded, as in
   * passages); undefined when the range is not in the document. Optional: added after the
   * first release, so older implementations may lack it.
   */
  textAt?(documentId: string, start: number, end: number): string | undefined;
  /**
   * Re-reads the corpus; when it changed (or `force`), builds a new index while the old one
   * keeps answering, then swaps. Concurrent calls share one rebuild.
   */
  reindex(options?: { force?: boolean }): Promise<ReindexSummary>;
  /** Whether the corpus on disk differs from what the index answering now was built from. */
  corpusChanged(): Promise<boolean>;
  /** Release the model and indexes. */
  close(): Promise<void>;
}
