/**
 * `npm run screenshots`: the README's pictures, from the bot's real replies. Runs the bot
 * against the local fake Discord (test/fake-discord), sends /ask, /summary, /quiz and
 * /report as members would, renders each reply payload (embeds, buttons, attachments) as
 * Discord-like HTML and photographs it with headless Chromium (Debian's `chromium`).
 * Writes docs/screenshots/*.png. Nothing leaves 127.0.0.1.
 *
 * The week of questions behind /report is recorded through the bot's storage with the
 * engine's real answers, spread over the past days, since a screenshot run lasts seconds.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import sharp from 'sharp';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { manualScheduler, openTestEngine, startBot } from '../test/discord/helpers.js';
import type { VisibleMessage } from '../test/fake-discord/index.js';

const USAGE = `Usage: npm run screenshots -- [--out DIR] [--chromium PATH]

Runs the bot against the local fake Discord, renders its replies to /ask, /summary, /quiz
and /report as Discord-like HTML, and photographs them with headless Chromium.

  --out DIR        where the PNGs go (default docs/screenshots)
  --chromium PATH  the browser (default: chromium on PATH; apt-get install chromium)`;

const args = parseScriptArgs(process.argv.slice(2), USAGE, { out: { type: 'string', default: path.join(PROJECT_ROOT, 'docs', 'screenshots') }, chromium: { type: 'string', default: 'chromium' } });
if (typeof args === 'number') process.exit(args);
const OUT = path.resolve(args.values.out);
const CHROMIUM = args.values.chromium;

if (spawnSync(CHROMIUM, ['--version']).status !== 0) {
  process.stderr.write(`error: ${CHROMIUM} is not installed: apt-get update && apt-get install -y chromium (or pass --chromium PATH)\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- the bot, as members use it

const world = {
  guilds: [
    {
      name: 'Study Group',
      roles: [{ name: 'Mod', permissions: PermissionFlagsBits.ManageGuild }],
      channels: [{ name: 'general' }],
      members: [{ user: { username: 'ana' } }, { user: { username: 'ben' } }, { user: { username: 'chloe' } }, { user: { username: 'mod' }, roles: ['Mod'] }],
    },
  ],
};

const engine = await openTestEngine();
const scheduler = manualScheduler();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-shots-'));
const run = await startBot({ engine, dataDir, scheduler, fake: world });
const names = new Map(run.discord.guild.members.map((m) => [m.user.id, m.user.username]));
const command = (name: string, user: string, options?: Record<string, string | number | boolean>) => run.discord.sendSlashCommand({ name, user, channelId: run.discord.guild.findChannel('general')!.id, ...(options ? { options } : {}) });

const shots: Array<{ name: string; user: string; command: string; message: VisibleMessage }> = [];
try {
  const question = 'Why did Russia recognize the Taliban?';
  shots.push({ name: 'ask', user: 'ana', command: `/ask question: ${question}`, message: await command('ask', 'ana', { question }).finalMessage() });
  shots.push({ name: 'summary', user: 'ben', command: '/summary', message: await command('summary', 'ben').finalMessage() });

  const quiz = await command('quiz', 'chloe').finalMessage();
  shots.push({ name: 'quiz', user: 'chloe', command: '/quiz', message: quiz });

  // A week of questions for /report: real answers, spread over the days.
  const storage = run.deps.storage!;
  const asked = ['What happens to journalists?', 'Which groups remain vulnerable?', 'Why did Russia recognize the Taliban?', 'What should stakeholders do?', 'How does this affect Central Asia?', 'What is the best recipe for chocolate cake?', 'Who won the football match?'];
  const day = 86_400_000;
  for (let d = 6; d >= 0; d--) {
    for (let i = 0; i < 2 + ((d * 5) % 7); i++) {
      const q = asked[(d + i) % asked.length]!;
      const answer = await engine.ask(q);
      storage.recordQuestion({ guildId: run.discord.guild.id, channelId: '1', userId: run.discord.guild.members[i % 3]!.user.id, question: q, answered: answer.answered, citedSections: answer.passages.map((p) => `§${p.section.number} ${p.section.title}`), latencyMs: 3, askedAt: Date.now() - d * day - i * 60_000 });
    }
  }
  shots.push({ name: 'report', user: 'mod', command: '/report', message: await command('report', 'mod').finalMessage() });
} finally {
  await run.stop();
  await engine.close();
}

// ---------------------------------------------------------------- Discord-like HTML

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The Markdown the bot writes: bold, italics, quotes, mentions, timestamps, escapes. */
function markdown(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const quote = line.startsWith('> ');
      let html = escapeHtml(quote ? line.slice(2) : line);
      html = html
        .replace(/&lt;@!?(\d+)&gt;/g, (_m, id: string) => `<span class="mention">@${escapeHtml(names.get(id) ?? 'member')}</span>`)
        .replace(/&lt;t:(\d+):R&gt;/g, (_m, t: string) => `<span class="time">in ${Math.max(1, Math.round((Number(t) * 1000 - Date.now()) / 60_000))} minute(s)</span>`)
        .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
        .replace(/(^|[^\\*])\*(?!\s)(.+?)\*/g, '$1<i>$2</i>')
        .replace(/\\([\\`*_{}[\]()#+\-.!|>~<])/g, '$1');
      return quote ? `<div class="quote">${html}</div>` : `<div>${html || '&nbsp;'}</div>`;
    })
    .join('');
}

function embedHtml(embed: APIEmbed, files: VisibleMessage['files']): string {
  const border = `#${(embed.color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
  const image = embed.image?.url.startsWith('attachment://') ? files.find((f) => `attachment://${f.name}` === embed.image!.url) : undefined;
  return `<div class="embed" style="border-left-color:${border}">
    ${embed.title ? `<div class="title">${markdown(embed.title)}</div>` : ''}
    ${embed.description ? `<div class="desc">${markdown(embed.description)}</div>` : ''}
    ${(embed.fields ?? []).map((f) => `<div class="field"><div class="fname">${markdown(f.name)}</div><div>${markdown(f.value)}</div></div>`).join('')}
    ${image ? `<img class="image" src="data:${image.contentType};base64,${image.data.toString('base64')}">` : ''}
    ${embed.footer ? `<div class="footer">${escapeHtml(embed.footer.text)}</div>` : ''}
  </div>`;
}

const BUTTON_STYLES: Record<number, string> = { 1: '#5865f2', 2: '#4e5058', 3: '#248046', 4: '#da373c', 5: '#4e5058' };
function buttonsHtml(rows: VisibleMessage['components']): string {
  return (rows ?? [])
    .map((row) => `<div class="row">${((row as APIActionRowComponent<APIButtonComponent>).components ?? []).map((b) => `<span class="button${'disabled' in b && b.disabled ? ' disabled' : ''}" style="background:${BUTTON_STYLES[b.style] ?? '#4e5058'}">${'emoji' in b && b.emoji?.name ? `${escapeHtml(b.emoji.name)} ` : ''}${escapeHtml(('label' in b && b.label) || '')}</span>`).join('')}</div>`)
    .join('');
}

function page(shot: (typeof shots)[number]): string {
  const m = shot.message;
  const ephemeral = ((m.flags ?? 0) & 64) === 64;
  const attachments = m.files.filter((f) => !(m.embeds ?? []).some((e) => e.image?.url === `attachment://${f.name}`));
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #313338; font: 15px/1.375 "DejaVu Sans", sans-serif; color: #dbdee1; width: 760px; }
  .msg { display: flex; gap: 16px; padding: 18px 20px; }
  .avatar { width: 40px; height: 40px; border-radius: 50%; background: #5865f2; color: white; display: flex; align-items: center; justify-content: center; font-weight: bold; flex: none; }
  .reply { font-size: 13px; color: #b5bac1; margin-bottom: 2px; } .reply b { color: #f2f3f5; }
  .name { color: #f2f3f5; font-weight: 600; } .bot { background: #5865f2; color: white; font-size: 10px; padding: 1px 4px; border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
  .stamp { color: #949ba4; font-size: 12px; margin-left: 6px; }
  .embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 10px 16px 14px 12px; margin-top: 6px; max-width: 640px; }
  .title { color: #f2f3f5; font-weight: 600; margin-bottom: 6px; } .desc div, .field div { min-height: 1em; }
  .quote { border-left: 4px solid #4e5058; padding-left: 10px; } .fname { color: #f2f3f5; font-weight: 600; margin-top: 8px; }
  .footer { color: #b5bac1; font-size: 12px; margin-top: 10px; } .image { display: block; margin-top: 10px; max-width: 600px; border-radius: 4px; }
  .row { margin-top: 8px; display: flex; gap: 8px; flex-wrap: wrap; } .button { color: white; padding: 4px 14px; border-radius: 3px; font-size: 14px; } .disabled { opacity: .5; }
  .mention { background: #3c4270; color: #c9cdfb; border-radius: 3px; padding: 0 2px; } .time { background: #3f4147; border-radius: 3px; padding: 0 2px; }
  .ephemeral { color: #949ba4; font-size: 12px; margin-top: 6px; } .file { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 6px; padding: 10px; margin-top: 8px; width: 300px; color: #00a8fc; }
  b { color: #f2f3f5; }
  </style></head><body><div class="msg"><div class="avatar">V</div><div>
  <div class="reply"><b>@${escapeHtml(shot.user)}</b> used <span style="color:#00a8fc">${escapeHtml(shot.command)}</span></div>
  <div><span class="name">Verbatim</span><span class="bot">APP</span><span class="stamp">Today at 18:04</span></div>
  ${m.content ? `<div>${markdown(m.content)}</div>` : ''}
  ${(m.embeds ?? []).map((e) => embedHtml(e, m.files)).join('')}
  ${attachments.map((f) => `<div class="file">📄 ${escapeHtml(f.name)}</div>`).join('')}
  ${buttonsHtml(m.components)}
  ${ephemeral ? '<div class="ephemeral">👁 Only you can see this</div>' : ''}
  </div></div></body></html>`;
}

// ---------------------------------------------------------------- photographs

fs.mkdirSync(OUT, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-chromium-'));
try {
  for (const shot of shots) {
    const html = path.join(work, `${shot.name}.html`);
    const raw = path.join(work, `${shot.name}.png`);
    fs.writeFileSync(html, page(shot));
    const browser = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(work, 'profile')}`, '--hide-scrollbars', '--window-size=760,2400', `--screenshot=${raw}`, `file://${html}`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (browser.status !== 0 || !fs.existsSync(raw)) throw new Error(`chromium failed for ${shot.name}: ${browser.stderr.slice(-500)}`);
    // The window is taller than any reply: cut the empty background off, keep a margin.
    const file = path.join(OUT, `${shot.name}.png`);
    const trimmed = await sharp(raw).trim({ background: '#313338', threshold: 4 }).toBuffer();
    await sharp(trimmed).extend({ top: 12, bottom: 12, left: 12, right: 12, background: '#313338' }).png({ compressionLevel: 9 }).toFile(file);
    const meta = await sharp(file).metadata();
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${meta.width}x${meta.height}\n`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
