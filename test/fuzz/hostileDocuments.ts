/** Documents of the kinds that crashed or stalled the engine (issue 11), by file name. */
export function hostileDocuments(): Record<string, string> {
  const words = Array.from({ length: 700_000 }, (_, i) => `word${i % 5000}`).join(' '); // about 6 MB, no punctuation
  return {
    'one-line.txt': words,
    'deep-list.md': `# Deep list\n\nBefore the list.\n\n${'- '.repeat(3000)}the deep item says hello.\n`,
    'deep-quote.md': `# Deep quote\n\n${'>'.repeat(3000)} the deep quote says hello.\n`,
    'staircase.md': `# Stairs\n\n${Array.from({ length: 600 }, (_, i) => `${'  '.repeat(i)}- step ${i} of the stairs.`).join('\n')}\n`,
    'emphasis.md': `# Emphasis\n\n${'*a '.repeat(3000)}x${' b*'.repeat(3000)}\n`,
    'table.md': `# Table\n\n| a | b |\n|---|---|\n| ${'cell '.repeat(20_000)} | end |\n`,
    'headings.md': Array.from({ length: 10_000 }, (_, i) => `## heading ${i}\n\nText of part ${i}.\n`).join('\n'),
    'code.md': `# Code\n\n\`\`\`js\n${Array.from({ length: 5000 }, (_, i) => `const value${i} = ${i};`).join('\n')}\n\`\`\`\n`,
    'bom-crlf.md': '\uFEFF# Windows\r\n\r\nA line that ends\r\nwith CRLF and a BOM.\r\n',
    'links.md': `# Links\n\n${'[a '.repeat(3000)}x${'](u)'.repeat(3000)}\n`,
  };
}
