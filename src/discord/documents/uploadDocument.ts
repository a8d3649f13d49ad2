/**
 * `/documents add`: a moderator's file becomes one of the server's documents. Cheap checks
 * (type, size, how many) come before the download; the library checks the text before it
 * keeps anything; indexing runs in the background, its progress shown by editing the reply.
 * The reply is public and carries the file, so members can open the original, and its link
 * is the document's `source` (the title of every answer quoting it links there).
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { formatOf, SUPPORTED_EXTENSIONS } from '../../core/ingest/formats.js';
import { LibraryError, safeFileName, type DocumentLibrary, type LibraryDocument } from '../../core/library/documentLibrary.js';
import type { ProgressHook } from '../../core/types.js';
import { NO_MENTIONS } from '../constants.js';
import { UserError } from '../errors.js';
import { escapeMarkdown } from '../format/text.js';
import type { BotContext } from '../types.js';

/** Progress edits at most this often: Discord rate-limits edits of one message. */
const PROGRESS_EDIT_MS = 1500;
/** A download slower than this is given up. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * A document's source as every answer quoting it will link to it (the embed's `url`): an
 * http(s) address with a host and no credentials, as the URL standard writes it, or null. Discord refuses a
 * message whose embed has a malformed url, so one bad address would break every answer.
 */
export function webAddress(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  // A user name or password in it would be shown to every member with the answers.
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' ? url.href : null;
}

export function libraryOf(ctx: BotContext): DocumentLibrary {
  if (!ctx.library) throw new UserError('no-library', 'Server documents are not enabled for this bot.');
  return ctx.library;
}

export async function uploadDocument(interaction: ChatInputCommandInteraction, ctx: BotContext, source: string | undefined): Promise<void> {
  const library = libraryOf(ctx);
  const guildId = interaction.guildId!;
  const attachment = interaction.options.getAttachment('file', true);
  const name = safeFileName(attachment.name);
  const maxBytes = Math.floor(ctx.config.DOCUMENT_MAX_MB * 1024 * 1024);
  const shown = `“${escapeMarkdown(name)}”`;
  if (!formatOf(name)) throw new UserError('document-unsupported', `${shown} is not a document I can read: send ${SUPPORTED_EXTENSIONS.join(', ')}. Nothing was added.`);
  if (attachment.size > maxBytes) throw new UserError('document-too-large', `${shown} is ${megabytes(attachment.size)}; the limit is ${megabytes(maxBytes)}. Nothing was added.`);
  const count = library.list(guildId).length;
  if (count >= ctx.config.DOCUMENTS_PER_SERVER) throw new UserError('too-many-documents', `This server has ${count} documents, the most it may have. Remove one with \`/documents remove\` first.`);
  const link = source === undefined ? undefined : webAddress(source);
  if (link === null) throw new UserError('bad-source', 'The source must be a web address starting with http:// or https://. Nothing was added.');

  // Deferred already when loading the server's documents was slow (the dispatcher, publicly: see `reply` in commands/documents.ts).
  if (!interaction.deferred) await interaction.deferReply();
  const fail = async (reason: string) => {
    // The file goes too: nothing of a failed upload stays.
    await interaction.editReply({ content: `Not added: ${reason} Nothing was changed.`, attachments: [], embeds: [], allowedMentions: NO_MENTIONS });
  };
  const started = performance.now();
  let bytes: Buffer;
  try {
    bytes = await download(attachment.url, maxBytes);
  } catch (error) {
    return fail(`I could not download ${shown} (${(error as Error).message}).`);
  }
  // The file goes with the reply so members can open it; without Attach Files it cannot, and
  // the document simply has no source unless one was given.
  let posted: string | undefined;
  try {
    posted = (await interaction.editReply({ content: `📄 Reading ${shown}…`, files: [{ attachment: bytes, name }], allowedMentions: NO_MENTIONS })).url;
  } catch (err) {
    ctx.logger.warn({ err, guildId }, 'could not post the uploaded file; keeping the document without it');
    await interaction.editReply({ content: `📄 Reading ${shown}…`, allowedMentions: NO_MENTIONS });
  }

  let lastEdit = 0;
  let editing = Promise.resolve();
  const edit = (content: string, force = false) => {
    const now = performance.now();
    if (!force && now - lastEdit < PROGRESS_EDIT_MS) return editing;
    lastEdit = now;
    editing = editing.then(() => interaction.editReply({ content, allowedMentions: NO_MENTIONS }).then(() => undefined)).catch((err: unknown) => ctx.logger.warn({ err, guildId }, 'could not show indexing progress'));
    return editing;
  };
  const onProgress: ProgressHook = ({ phase, done, total }) => void edit(`📄 Indexing ${shown}: ${phase}${total > 0 ? ` ${Math.round((100 * done) / total)}%` : ''}…`);

  let added: { document: LibraryDocument; indexed: Promise<LibraryDocument> };
  try {
    added = await library.add(guildId, { name, bytes, ...((link ?? posted) ? { source: link ?? posted } : {}), addedBy: interaction.user.id }, onProgress);
  } catch (error) {
    if (!(error instanceof LibraryError)) throw error;
    ctx.logger.info({ event: 'document-refused', guildId, userId: interaction.user.id, code: error.code }, 'document refused');
    return fail(error.message);
  }
  const title = `“${escapeMarkdown(added.document.title)}”`;
  await edit(`📄 Indexing ${title} (${escapeMarkdown(name)})…`, true);
  // The command is done; indexing goes on in the background and reports by editing the reply.
  void added.indexed.then(
    async (document) => {
      await editing;
      await edit(`✅ ${title} (${escapeMarkdown(document.id)}) is ready: ask about it with \`/ask\` (add \`document:\` to ask it alone).`, true);
      ctx.logger.info({ event: 'document-added', guildId, userId: interaction.user.id, format: document.format, bytes: document.bytes, ms: Math.round(performance.now() - started) }, 'document added');
    },
    async (error: unknown) => {
      await editing;
      ctx.logger.warn({ event: 'document-failed', guildId, err: error }, 'document indexing failed');
      await fail((error as Error).message).catch(() => undefined);
    },
  );
}

/** The attachment's bytes; refuses more than `maxBytes` even when the announced size was smaller. */
async function download(url: string, maxBytes: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`larger than ${megabytes(maxBytes)}`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
