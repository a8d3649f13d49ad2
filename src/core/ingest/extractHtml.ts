/**
 * A saved web page -> its main content as text with headings as sections. Mozilla's
 * Readability (the library behind Firefox's Reader View) picks the article out of the page's
 * navigation, sidebars and footers; linkedom gives it a DOM in Node. The article's HTML is
 * then walked once: headings, paragraphs, list items, table rows and code blocks become blocks.
 * Word files go through the same walk (extractDocx turns them into HTML first).
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { ExtractError, LayoutWriter, type Extracted } from './layout.js';

const HEADING = /^h([1-6])$/;
/** Elements whose text is a block of its own. */
const TEXT_BLOCKS = new Set(['p', 'dt', 'dd', 'figcaption', 'caption', 'summary', 'address']);
/** Elements whose children are the blocks. */
const CONTAINERS = new Set(['div', 'section', 'article', 'main', 'body', 'html', 'blockquote', 'ul', 'ol', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'figure', 'details', 'header', 'footer', 'aside', 'nav', 'center', 'form', 'fieldset']);
/** Never content. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'button', 'input', 'select', 'textarea', 'head', 'img', 'video', 'audio']);

/** Minimal view of the DOM nodes linkedom gives. */
interface DomNode {
  nodeType: number;
  localName?: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

export function extractHtml(html: string): Extracted {
  const { document } = parseHTML(html);
  const pageTitle = document.querySelector('title')?.textContent?.replace(/\s+/g, ' ').trim() || undefined;
  let article: { title?: string | null; content?: string | null } | null = null;
  try {
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
  } catch {
    // A page Readability cannot handle is read whole, below.
  }
  const root = article?.content ? (parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body as unknown as DomNode) : (parseHTML(html).document.body as unknown as DomNode | null);
  if (!root) throw new ExtractError('the page has no body');
  const extracted = extractFromHtmlElement(root, article?.title?.trim() || pageTitle);
  if (extracted.layout.length === 0) throw new ExtractError('the page has no readable text');
  return extracted;
}

/** Walks an element's blocks in document order. */
export function extractFromHtmlElement(root: DomNode, title?: string): Extracted {
  const writer = new LayoutWriter();
  let inline = '';
  const flush = () => {
    writer.add('paragraph', inline);
    inline = '';
  };
  const visit = (node: DomNode, inList: boolean) => {
    if (node.nodeType === 3) {
      inline += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1 || !node.localName) return;
    const name = node.localName;
    if (SKIPPED.has(name)) return;
    const heading = HEADING.exec(name);
    if (heading) {
      flush();
      writer.add('heading', node.textContent ?? '', { level: Number(heading[1]) });
    } else if (name === 'pre') {
      flush();
      const code = (node.textContent ?? '').replace(/^\n+|\s+$/g, '');
      if (/[\p{L}\p{N}]/u.test(code)) writer.addRaw('code', code);
    } else if (name === 'li') {
      flush();
      // The item's own text; a list nested in it becomes items of its own after it.
      const nested: DomNode[] = [];
      let own = '';
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === 1 && (child.localName === 'ul' || child.localName === 'ol')) nested.push(child);
        else own += textOf(child);
      }
      writer.add('list-item', own);
      for (const list of nested) visit(list, true);
    } else if (name === 'tr') {
      flush();
      const cells = Array.from(node.childNodes).filter((c) => c.nodeType === 1 && (c.localName === 'td' || c.localName === 'th'));
      writer.add('paragraph', cells.map((c) => textOf(c).replace(/\s+/g, ' ').trim()).filter(Boolean).join(' | '));
    } else if (TEXT_BLOCKS.has(name)) {
      flush();
      writer.add('paragraph', textOf(node));
    } else if (CONTAINERS.has(name)) {
      flush();
      for (const child of Array.from(node.childNodes)) visit(child, inList || name === 'ul' || name === 'ol');
      flush();
    } else if (name === 'br') {
      inline += '\n';
    } else {
      // Inline markup (a, em, strong, span, code…) or an unknown element: its text runs on.
      for (const child of Array.from(node.childNodes)) visit(child, inList);
    }
  };
  visit(root, false);
  flush();
  return writer.result(title);
}

/** Text of a node without scripts and styles. */
function textOf(node: DomNode): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (node.nodeType !== 1 || (node.localName && SKIPPED.has(node.localName))) return '';
  if (node.localName === 'br') return ' ';
  return Array.from(node.childNodes).map(textOf).join('');
}
