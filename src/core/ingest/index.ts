export { splitSentences, wholeAsSentence, SEGMENT_WINDOW_CHARS } from './splitSentences.js';
export { parseText, looksLikeHeading, HEADING_MAX_CHARS, HEADING_MAX_WORDS, WRAPPED_LINE_MAX } from './parseText.js';
export { parseMarkdown, MARKDOWN_PIECE_CHARS, type ParsedMarkdown, type ParseMarkdownOptions } from './parseMarkdown.js';
export { LEAD_SECTION_TITLE } from './buildSections.js';
export {
  parseDocument,
  titleFromFileName,
  type ParseDocumentOptions,
} from './parseDocument.js';
export { formatOf, type DocumentFormat, type DocumentMeta } from './formats.js';
export { loadCorpus, parseCorpus, type LoadedCorpus } from './loadCorpus.js';
export {
  readCorpus,
  corpusHash,
  readText,
  MAX_FILE_BYTES,
  META_SUFFIX,
  INGEST_VERSION,
  type LoadCorpusOptions,
  type CorpusFile,
  type ReadCorpus,
  type SkippedFile,
} from './readCorpus.js';
