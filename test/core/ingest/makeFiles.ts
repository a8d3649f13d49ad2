/**
 * Tiny PDF and Word files written by the tests themselves, so every fixture's content is in
 * plain sight. The PDF writer emits the smallest valid PDF 1.4 (Helvetica, one text line per
 * `BT…ET`, an optional outline); the .docx writer the three parts Word needs.
 */
import JSZip from 'jszip';

export interface PdfLine {
  text: string;
  /** Font size (default 11). */
  size?: number;
  /** Extra space above the line, in points (a paragraph break). */
  gapBefore?: number;
}

/** `pages`: lines per page; a page with no lines has no text layer (like a scan). */
export function makePdf(pages: PdfLine[][], options: { outline?: Array<{ title: string; page: number }>; title?: string; image?: boolean } = {}): Buffer {
  const objects: Array<string | null> = [];
  const add = (body: string | null) => objects.push(body);
  const catalog = add(null);
  const pagesObject = add(null);
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const pageIds: number[] = [];
  for (const lines of pages) {
    let y = 750;
    let content = '';
    for (const line of lines) {
      const size = line.size ?? 11;
      y -= size * 1.25 + (line.gapBefore ?? 0);
      content += `BT /F1 ${size} Tf 72 ${y.toFixed(1)} Td (${line.text.replace(/[()\\]/g, '\\$&')}) Tj ET\n`;
    }
    // A scanned page draws a picture instead of text: a filled rectangle stands in for it.
    if (lines.length === 0) content = '0.5 g 72 72 468 648 re f\n';
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}endstream`);
    pageIds.push(add(`<< /Type /Page /Parent ${pagesObject} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`));
  }
  objects[pagesObject - 1] = `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let extra = '';
  const outline = options.outline ?? [];
  if (outline.length > 0) {
    const root = add(null);
    const ids = outline.map(() => add(null));
    outline.forEach((entry, i) => {
      const links = `${i > 0 ? ` /Prev ${ids[i - 1]} 0 R` : ''}${i < ids.length - 1 ? ` /Next ${ids[i + 1]} 0 R` : ''}`;
      objects[ids[i]! - 1] = `<< /Title (${entry.title}) /Parent ${root} 0 R${links} /Dest [${pageIds[entry.page - 1]} 0 R /XYZ 0 792 0] >>`;
    });
    objects[root - 1] = `<< /Type /Outlines /First ${ids[0]} 0 R /Last ${ids[ids.length - 1]} 0 R /Count ${ids.length} >>`;
    extra += ` /Outlines ${root} 0 R`;
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObject} 0 R${extra} >>`;
  const info = options.title ? add(`<< /Title (${options.title}) >>`) : undefined;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A .docx whose paragraphs have the given Word styles ('Heading1', 'Heading2' or none). */
export async function makeDocx(paragraphs: Array<{ text: string; style?: string }>): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  const body = paragraphs
    .map((p) => `<w:p>${p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${p.text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`)
    .join('');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer' });
}
