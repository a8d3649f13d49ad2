/**
 * Several engines answering as one: a study group's documents (each with its own small
 * index) plus, when the group allows it, the shared corpus. Each member keeps its own
 * refusal calibration; an answer merges the passages of the members that answered, best
 * score first. Adding a document therefore indexes only that document, and choosing one
 * document (or a channel's few) is choosing members, not building another index.
 */
import { VerbatimError } from './errors.js';
import { MAX_TOP } from './limits.js';
import { askForPassages, pageOf } from './answer/page.js';
import { summaryLength } from './summarise/summarise.js';
import type { Answer, AskOptions, Passage, QuizOptions, QuizQuestion, ReindexSummary, SectionInfo, Summary, SummaryOptions, VerbatimEngine } from './types.js';

/** One document of a set: the id the set gives it, and the member (and id) it comes from. */
interface Route {
  id: string;
  member: VerbatimEngine;
  memberId: string;
  title: string;
  source?: string;
}

export class DocumentSet implements VerbatimEngine {
  /**
   * `members` in priority order. A document id held by an earlier member too is given a
   * suffix in the set ("notes.txt (2)"): a server's upload named like a shared document
   * must not have its passages cited, or looked up, as the other one's.
   */
  constructor(private readonly members: readonly VerbatimEngine[]) {
    if (members.length === 0) throw new VerbatimError('CORPUS_EMPTY', 'There are no documents to answer from.');
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    if (this.members.length === 1) return this.members[0]!.ask(question, options);
    const { top, offset } = pageOf(options);
    // Each member gives its best offset+top (past what one answer carries, a page at a
    // time): the merged page can come from any of them.
    const answers = await Promise.all(this.members.map(async (m) => this.fromMember(m, await askForPassages(m, question, offset + top))));
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
    return this.routes().map(({ id, title, source }) => ({ id, title, ...(source !== undefined ? { source } : {}) }));
  }

  sections(): SectionInfo[] {
    return this.members.flatMap((m) => {
      const ids = this.idsOf(m);
      return m.sections().map((s) => ({ ...s, documentId: ids.get(s.documentId) ?? s.documentId }));
    });
  }

  textAt(documentId: string, start: number, end: number): string | undefined {
    const route = this.routes().find((r) => r.id === documentId);
    return route?.member.textAt?.(route.memberId, start, end);
  }

  sectionText(documentId: string, section: number, paragraph?: number): Passage[] {
    const route = this.route(documentId);
    return route.member.sectionText(route.memberId, section, paragraph).map((p) => ({ ...p, documentId }));
  }

  async summarise(options: SummaryOptions = {}): Promise<Summary> {
    if (options.documentId !== undefined) {
      const route = this.route(options.documentId);
      return this.summaryFrom(route.member, await route.member.summarise({ ...options, documentId: route.memberId }));
    }
    if (this.members.length === 1) return this.members[0]!.summarise(options);
    if (options.section !== undefined) {
      throw new VerbatimError('UNKNOWN_DOCUMENT', `Section ${options.section} of which document? Documents: ${this.documents().map((d) => d.id).join(', ')}.`);
    }
    // The sentences a summary may have, shared out between the members in member order: the
    // first ones get one more when they do not divide evenly, and past as many members as
    // sentences the later ones get none (the total never exceeds what one engine allows).
    const wanted = summaryLength(options.sentences);
    const count = this.members.length;
    const shares = this.members.map((_, i) => Math.floor(wanted / count) + (i < wanted % count ? 1 : 0));
    const parts = await Promise.all(
      this.members.map(async (m, i) => (shares[i]! > 0 ? this.summaryFrom(m, await m.summarise({ ...options, sentences: shares[i]! })) : { passages: [] })),
    );
    return { passages: parts.flatMap((p) => p.passages).slice(0, wanted) };
  }

  async quiz(options: QuizOptions = {}): Promise<QuizQuestion | undefined> {
    if (options.documentId !== undefined) {
      const route = this.route(options.documentId);
      return this.questionFrom(route.member, await route.member.quiz({ ...options, documentId: route.memberId }));
    }
    // The seed picks the member too, so the same seed still gives the same question.
    const seed = options.seed ?? 0;
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(seed + i) % this.members.length]!;
      const question = await member.quiz(options);
      if (question) return this.questionFrom(member, question);
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

  /**
   * Every member's documents under the ids the set gives them: a member's own id unless an
   * earlier member (or an earlier suffixed id) has it. Worked out on each use, from what
   * the members hold now, so a member's reindex cannot leave a stale route behind.
   */
  private routes(): Route[] {
    const taken = new Set<string>();
    return this.members.flatMap((member) =>
      member.documents().map((d) => {
        let id = d.id;
        for (let n = 2; taken.has(id); n++) id = `${d.id} (${n})`;
        taken.add(id);
        return { id, member, memberId: d.id, title: d.title, ...(d.source !== undefined ? { source: d.source } : {}) };
      }),
    );
  }

  /** A member's document ids, mapped to the set's. */
  private idsOf(member: VerbatimEngine): Map<string, string> {
    return new Map(this.routes().filter((r) => r.member === member).map((r) => [r.memberId, r.id]));
  }

  private route(documentId: string): Route {
    const route = this.routes().find((r) => r.id === documentId);
    if (!route) throw new VerbatimError('UNKNOWN_DOCUMENT', `There is no document "${documentId}". Documents: ${this.documents().map((d) => d.id).join(', ')}.`);
    return route;
  }

  /** A member's answer with its documents under the set's ids. */
  private fromMember(member: VerbatimEngine, answer: Answer): Answer {
    const ids = this.idsOf(member);
    const id = (documentId: string) => ids.get(documentId) ?? documentId;
    return {
      ...answer,
      passages: answer.passages.map((p) => ({ ...p, documentId: id(p.documentId) })),
      ...(answer.closestSections ? { closestSections: answer.closestSections.map((c) => ({ ...c, documentId: id(c.documentId) })) } : {}),
    };
  }

  private summaryFrom(member: VerbatimEngine, summary: Summary): Summary {
    const ids = this.idsOf(member);
    return { ...summary, passages: summary.passages.map((p) => ({ ...p, documentId: ids.get(p.documentId) ?? p.documentId })) };
  }

  private questionFrom(member: VerbatimEngine, question: QuizQuestion | undefined): QuizQuestion | undefined {
    if (!question) return undefined;
    const ids = this.idsOf(member);
    return { ...question, passage: { ...question.passage, documentId: ids.get(question.passage.documentId) ?? question.passage.documentId } };
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
      const { top, offset } = pageOf(options);
      const answer = await engine.ask(question, { top: MAX_TOP, offset: 0 });
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
