/** Which files are documents, and how to read them. */
export type DocumentFormat = 'text' | 'markdown' | 'pdf' | 'html' | 'docx';

export interface DocumentMeta {
  title?: string;
  source?: string;
}

/**
 * The format a file name implies, or undefined when it is not a supported document. A name
 * without an extension (README, LICENSE, NOTES) is plain text: that is what such files are,
 * and whether one really is text is checked when it is read.
 */
export function formatOf(file: string): DocumentFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.txt')) return 'text';
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return 'markdown';
  if (lower.endsWith('.pdf')) return 'pdf';
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return 'html';
  if (lower.endsWith('.docx')) return 'docx';
  if (!hasExtension(file)) return 'text';
  return undefined;
}

/** Whether the file's name (not its folders) has an extension; a leading dot does not count. */
export function hasExtension(file: string): boolean {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.lastIndexOf('.') > 0;
}

/**
 * Formats whose text is extracted by a library rather than read as it is: the engine quotes
 * the extracted text (kept with the index), and the layout it came with gives sections and pages.
 */
export function isExtractedFormat(format: DocumentFormat): format is 'pdf' | 'html' | 'docx' {
  return format === 'pdf' || format === 'html' || format === 'docx';
}

/** The file types a document may have, for messages ("expected …"). */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.pdf', '.html', '.htm', '.docx'] as const;
