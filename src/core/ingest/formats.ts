/** Which files are documents, and how to read them. */
export type DocumentFormat = 'text' | 'markdown';

export interface DocumentMeta {
  title?: string;
  source?: string;
}

/** The format a file name implies, or undefined when it is not a supported document. */
export function formatOf(file: string): DocumentFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.txt')) return 'text';
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return 'markdown';
  return undefined;
}
