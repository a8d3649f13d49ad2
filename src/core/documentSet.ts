/**
 * Several engines answering as one: a study group's documents (each with its own small
 * index) plus, when the group allows it, the shared corpus. Each member keeps its own
 * refusal calibration; an answer merges the passages of the members that answered, best
 * score first. Adding a document therefore indexes only that document, and choosing one
 * document (or a channel's few) is choosing members, not building another index.
 */
import { VerbatimError } from './errors.js';
import { DEFAULT_TOP, MAX_TOP } from './limits.js';
import type { Answer, AskOptions, Passage, QuizOptions, QuizQuestion, ReindexSummary, SectionInfo, Summary, SummaryOptions, VerbatimEngine } from './types.js';

export class DocumentSet implements VerbatimEngine {
  /** `members` in priority order: a document id held by two members is the first one's. */
  constructor(private readonly members: readonly VerbatimEngine[]) {
    if (members.length === 0) throw new VerbatimError('CORPUS_EMPTY', 'There are no documents to answer from.');
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    if (this.members.length === 1) return this.members[0]!.ask(question, options);
    const top = options.top ?? DEFAULT_TOP;
    const offset = options.offset ?? 0;
    // Each member gives its best offset+top: the merged page can come from any of them.
    const answers = await Promise.all(this.members.map((m) => m.ask(question, { ...options, top: offset + top, offset: 0 })));
    const answered = answers.filter((a) => a.answered);
    if (answered.length === 0) {
      const refusal = answers[0]!;
      const closest = answers.flatMap((a) => a.closestSections ?? []);
      return { ...refusal, ...(closest.length > 0 ? { closestSections: closest.slice(0, 3) } : {}) };
    }
    const passages = answered.flatMap((a) => a.passages).sort((a, b) => b.score - a.score);
    return { question: answered[0]!.question, answered: true, passages: passages.slice(offset, offset + top) };
  }

  documents(): Array<{ id: string; title: string; source?: string }> {
    const seen = new Set<string>();
    return this.members.flatMap((m) => m.documents()).filter((d) => !seen.has(d.id) && Boolean(seen.add(d.id)));
  }

  sections(): SectionInfo[] {
    return this.members.flatMap((m) => {
      const mine = new Set(this.owned(m));
      return m.sections().filter((s) => mine.has(s.documentId));
    });
  }

  textAt(documentId: string, start: number, end: number): string | undefined {
    return this.members.find((m) => m.documents().some((d) => d.id === documentId))?.textAt?.(documentId, start, end);
  }

  sectionText(documentId: string, section: number, paragraph?: number): Passage[] {
    return this.memberFor(documentId).sectionText(documentId, section, paragraph);
  }

  async summarise(options: SummaryOptions = {}): Promise<Summary> {
    if (options.documentId !== undefined) return this.memberFor(options.documentId).summarise(options);
    if (this.members.length === 1) return this.members[0]!.summarise(options);
    if (options.section !== undefined) {
      throw new VerbatimError('UNKNOWN_DOCUMENT', `Section ${options.section} of which document? Documents: ${this.documents().map((d) => d.id).join(', ')}.`);
    }
    // Sentences shared out between the members, in member order.
    const wanted = options.sentences ?? 5;
    const each = Math.max(1, Math.ceil(wanted / this.members.length));
    const parts = await Promise.all(this.members.map((m) => m.summarise({ ...options, sentences: each })));
    return { passages: parts.flatMap((p) => p.passages).slice(0, Math.max(wanted, this.members.length)) };
  }

  async quiz(options: QuizOptions = {}): Promise<QuizQuestion | undefined> {
    if (options.documentId !== undefined) return this.memberFor(options.documentId).quiz(options);
    // The seed picks the member too, so the same seed still gives the same question.
    const seed = options.seed ?? 0;
    for (let i = 0; i < this.members.length; i++) {
      const question = await this.members[(seed + i) % this.members.length]!.quiz(options);
      if (question) return question;
    }
    return undefined;
  }

  async reindex(options: { force?: boolean } = {}): Promise<ReindexSummary> {
    const started = performance.now();
    const results = await Promise.all(this.members.map((m) => m.reindex(options)));
    const counts = { documents: 0, sections: 0, sentences: 0, chunks: 0 };
    for (const r of results) for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] += r.manifest.counts[key];
    return { changed: results.some((r) => r.changed), ms: performance.now() - started, manifest: { counts } };
  }

  async corpusChanged(): Promise<boolean> {
    return (await Promise.all(this.members.map((m) => m.corpusChanged()))).some(Boolean);
  }

  /** The members belong to whoever made the set (a DocumentLibrary): nothing to release here. */
  async close(): Promise<void> {}

  /** Document ids a member answers for (those an earlier member holds are not its). */
  private owned(member: VerbatimEngine): string[] {
    const index = this.members.indexOf(member);
    const earlier = new Set(this.members.slice(0, index).flatMap((m) => m.documents().map((d) => d.id)));
    return member.documents().map((d) => d.id).filter((id) => !earlier.has(id));
  }

  private memberFor(documentId: string): VerbatimEngine {
    const member = this.members.find((m) => m.documents().some((d) => d.id === documentId));
    if (!member) throw new VerbatimError('UNKNOWN_DOCUMENT', `There is no document "${documentId}". Documents: ${this.documents().map((d) => d.id).join(', ')}.`);
    return member;
  }
}

/**
 * One document of an engine that indexes several (the shared corpus), on its own: answers
 * keep only its passages. Retrieval still ranks the whole index, so the view asks for the
 * most passages an answer may have and filters them; a document the others crowd out of
 * those gets a refusal rather than weaker quotes.
 */
export function onlyDocument(engine: VerbatimEngine, documentId: string): VerbatimEngine {
  const mine = <T extends { documentId: string }>(items: T[]) => items.filter((i) => i.documentId === documentId);
  return {
    async ask(question, options = {}) {
      const top = options.top ?? DEFAULT_TOP;
      const offset = options.offset ?? 0;
      const answer = await engine.ask(question, { ...options, top: MAX_TOP, offset: 0 });
      const passages = answer.answered ? mine(answer.passages) : [];
      if (passages.length === 0) {
        const closest = mine(answer.closestSections ?? []);
        return { question: answer.question, answered: false, passages: [], reason: answer.reason ?? "The document doesn't seem to answer that.", ...(closest.length ? { closestSections: closest } : {}) };
      }
      return { ...answer, passages: passages.slice(offset, offset + top) };
    },
    documents: () => engine.documents().filter((d) => d.id === documentId),
    sections: () => mine(engine.sections()),
    sectionText: (id, section, paragraph) => engine.sectionText(id, section, paragraph),
    textAt: (id, start, end) => engine.textAt?.(id, start, end),
    summarise: (options = {}) => engine.summarise({ ...options, documentId }),
    quiz: (options = {}) => engine.quiz({ ...options, documentId }),
    reindex: (options) => engine.reindex(options),
    corpusChanged: () => engine.corpusChanged(),
    close: async () => {},
  };
}
