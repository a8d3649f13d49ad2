export { splitSentences, wholeAsSentence, SEGMENT_WINDOW_CHARS } from './splitSentences.js';
export { parseText, looksLikeHeading, HEADING_MAX_CHARS, HEADING_MAX_WORDS, WRAPPED_LINE_MAX } from './parseText.js';
export { parseMarkdown, MARKDOWN_PIECE_CHARS, type ParsedMarkdown, type ParseMarkdownOptions } from './parseMarkdown.js';
export { LEAD_SECTION_TITLE } from './buildSections.js';
export {
  parseDocument,
  formatOf,
  titleFromFileName,
  type DocumentFormat,
  type DocumentMeta,
  type ParseDocumentOptions,
} from './parseDocument.js';
export {
  loadCorpus,
  readCorpus,
  parseCorpus,
  corpusHash,
  readText,
  MAX_FILE_BYTES,
  META_SUFFIX,
  INGEST_VERSION,
  type LoadCorpusOptions,
  type LoadedCorpus,
  type CorpusFile,
  type ReadCorpus,
  type SkippedFile,
} from './loadCorpus.js';
