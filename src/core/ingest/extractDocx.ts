/**
 * Word (.docx) -> text with headings, via mammoth (which maps Word's heading styles to
 * <h1>…<h6>) and the same HTML walk as web pages.
 */
import { parseHTML } from 'linkedom';
import { extractFromHtmlElement } from './extractHtml.js';
import { ExtractError, type Extracted } from './layout.js';

export async function extractDocx(bytes: Uint8Array): Promise<Extracted> {
  const mammoth = (await import('mammoth')).default;
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
  } catch (error) {
    throw new ExtractError(`not a readable Word document (${(error as Error).message})`);
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const extracted = extractFromHtmlElement(document.body as never);
  if (extracted.layout.length === 0) throw new ExtractError('the Word document has no text');
  return extracted;
}
