/**
 * Tests of the fake Discord itself, driven by a tiny raw discord.js Client written here
 * (not the product bot), so that bot e2e tests can trust what the fake reports.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type Interaction,
  type Message,
} from 'discord.js';
import WebSocket from 'ws';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fake-discord/index.js';

const askCommand = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the document')
  .addStringOption((o) => o.setName('question').setDescription('What to look up').setRequired(true).setAutocomplete(true))
  .toJSON();

let discord: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await discord?.close();
  client = undefined;
  discord = undefined;
});

/** Starts a fake and a raw client logged in to it; `handlers` are attached before login. */
async function setup({
  fake = {},
  intents = [GatewayIntentBits.Guilds],
  onInteraction,
  onMessage,
  register = true,
}: {
  fake?: FakeDiscordOptions;
  intents?: GatewayIntentBits[];
  onInteraction?: (interaction: Interaction) => Promise<unknown>;
  onMessage?: (message: Message) => Promise<unknown>;
  register?: boolean;
} = {}): Promise<{ discord: FakeDiscord; client: Client }> {
  discord = await startFakeDiscord(fake);
  client = new Client({ intents, rest: { api: discord.apiUrl, retries: 0, timeout: 2000 }, waitGuildTimeout: 1000 });
  if (onInteraction) client.on(Events.InteractionCreate, (i) => void onInteraction(i).catch(() => {}));
  if (onMessage) client.on(Events.MessageCreate, (m) => void onMessage(m).catch(() => {}));
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
  if (register) await client.application!.commands.set([askCommand], discord.guild.id);
  return { discord, client };
}

describe('fake Discord: connection', () => {
  it('logs a client in: READY, then every guild cached with roles, channels and members', async () => {
    const started = performance.now();
    const { discord, client } = await setup({ register: false });
    const elapsed = performance.now() - started;

    const identify = await discord.waitForIdentify();
    expect(identify.intents).toBe(GatewayIntentBits.Guilds);
    expect(client.user?.id).toBe(discord.botUser.id);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(discord.applicationId);
    const guild = client.guilds.cache.get(discord.guild.id);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((c) => c.name)).toEqual(['general']);
    expect(guild?.roles.everyone.id).toBe(discord.guild.id);
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(guild?.members.cache.map((m) => m.user.username).sort()).toEqual(['Verbatim', 'owner', 'tester']);
    expect(discord.unhandled).toEqual([]);
    expect(elapsed).toBeLessThan(1000); // not waiting out waitGuildTimeout
  });

  it('rejects a bad token: GET /gateway/bot answers 401 and login() rejects', async () => {
    discord = await startFakeDiscord({ token: 'right-token' });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl, retries: 0, timeout: 2000 } });
    await expect(client.login('wrong-token')).rejects.toThrow(/invalid token/i);
    expect(discord.requests.map((r) => [r.path, r.status])).toEqual([['/gateway/bot', 401]]);
  });

  it('closes the gateway with 4004 for a bad IDENTIFY token', async () => {
    discord = await startFakeDiscord();
    const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
    await once(ws, 'message'); // HELLO
    ws.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {} } }));
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(4004);
  });

  it('closes with 4014 when a privileged intent is not enabled for the application', async () => {
    discord = await startFakeDiscord({ privilegedIntents: 0 });
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent],
      rest: { api: discord.apiUrl, retries: 0, timeout: 2000 },
    });
    await expect(client.login(discord.token)).rejects.toThrow(/disallowed intents/i);
  });

  it('op 7: the client RESUMEs on the resume URL and the next interaction still works', async () => {
    const { discord } = await setup({ onInteraction: async (i) => i.isChatInputCommand() && i.reply('still here') });
    const resumed = await discord.reconnect();
    expect(resumed.ms).toBeLessThan(3000);
    const resume = discord.gatewayPayloads.find((p) => p.op === 6);
    expect(resume?.path).toBe('/resume');
    expect(resume?.d).toMatchObject({ token: discord.token, session_id: discord.sessions[0]?.id });

    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'after reconnect?' } });
    expect((await reply.finalMessage()).content).toBe('still here');
  });

  it('replays dispatches sent while the client is reconnecting', async () => {
    const { discord } = await setup({ onInteraction: async (i) => i.isChatInputCommand() && i.reply('late but delivered') });
    const resuming = discord.reconnect();
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'during reconnect' } });
    const resumed = await resuming;
    expect(resumed.replayed).toBeGreaterThanOrEqual(1);
    expect((await reply.finalMessage()).content).toBe('late but delivered');
  });

  it('answers unknown routes with 404 and records them in unhandled', async () => {
    const { discord, client } = await setup({ register: false });
    const error = await client.rest.get('/guilds/1/no-such-route').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).status).toBe(404);
    expect(discord.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /guilds/1/no-such-route']);
  });
});

describe('fake Discord: application commands', () => {
  it('registers guild commands with ids and application_id, and keeps ids on redeploy', async () => {
    const { discord, client } = await setup({ register: false });
    const registered = await client.application!.commands.set([askCommand], discord.guild.id);
    expect(registered.first()?.name).toBe('ask');
    expect(discord.commands).toHaveLength(1);
    const [command] = discord.commands;
    expect(command).toMatchObject({ name: 'ask', application_id: discord.applicationId, guild_id: discord.guild.id });
    expect(command?.id).toMatch(/^\d{17,20}$/);

    await client.application!.commands.set([askCommand], discord.guild.id);
    expect(discord.commands[0]?.id).toBe(command?.id);
    await client.application!.commands.set([askCommand]); // global
    expect(discord.commands.filter((c) => !c.guild_id).map((c) => c.name)).toEqual(['ask']);
  });

  it('rejects an invalid definition like Discord (400 Invalid Form Body)', async () => {
    const { discord, client } = await setup({ register: false });
    const bad = { ...askCommand, name: 'Ask' }; // upper case is invalid for chat input names
    const error = await client.application!.commands.set([bad], discord.guild.id).catch((e: unknown) => e);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect(discord.commands).toEqual([]);
  });
});

describe('fake Discord: interactions', () => {
  it('records a type-4 reply with its timing and allowed_mentions', async () => {
    let seen: { question: string | null; canManage: boolean | undefined } | undefined;
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isChatInputCommand()) return;
        seen = { question: i.options.getString('question'), canManage: i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) };
        await i.reply({ content: `You asked: ${i.options.getString('question')} <@${i.user.id}>`, allowedMentions: { parse: [] } });
      },
    });
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'What is a quote?' } });
    const first = await reply.firstResponse();
    expect(first.type).toBe(4);
    expect(first.ms).toBeLessThan(500);
    const message = await reply.finalMessage();
    expect(message.content).toBe(`You asked: What is a quote? <@${reply.payload.member?.user.id}>`);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.mentions).toEqual([]); // nobody pinged
    expect(seen).toEqual({ question: 'What is a quote?', canManage: false });
    expect(discord.failed).toEqual([]);
  });

  it('derives member permissions from roles (with and without ManageGuild)', async () => {
    const seen: (boolean | undefined)[] = [];
    const { discord } = await setup({
      fake: { guilds: [{ roles: [{ name: 'Admin', permissions: PermissionFlagsBits.ManageGuild }] }] },
      onInteraction: async (i) => {
        if (!i.isChatInputCommand() || !i.inCachedGuild()) return;
        seen.push(i.memberPermissions.has(PermissionFlagsBits.ManageGuild), i.member.permissions.has(PermissionFlagsBits.ManageGuild));
        await i.reply('ok');
      },
    });
    await discord.sendSlashCommand({ name: 'ask', options: { question: 'q' } }).finalMessage();
    await discord.sendSlashCommand({ name: 'ask', options: { question: 'q' }, roles: ['Admin'] }).finalMessage();
    expect(seen).toEqual([false, false, true, true]);
  });

  it('records a defer (type 5, ephemeral) followed by an edit as the final message', async () => {
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isChatInputCommand()) return;
        await i.deferReply({ flags: MessageFlags.Ephemeral });
        await new Promise((r) => setTimeout(r, 20));
        await i.editReply({ content: 'thinking done', embeds: [{ description: 'a passage' }] });
      },
    });
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'slow one' } });
    expect((await reply.firstResponse()).type).toBe(5);
    const message = await reply.finalMessage();
    expect(message.content).toBe('thinking done');
    expect(message.embeds[0]?.description).toBe('a passage');
    expect(message.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(message.flags! & MessageFlags.Loading).toBe(0);
    expect(reply.callbacks.map((c) => c.type)).toEqual([5]);
    expect(reply.edits).toHaveLength(1);
    expect(discord.requests.some((r) => r.path.endsWith('/messages/@original') && r.method === 'PATCH')).toBe(true);
  });

  it('records follow-ups, and returns the callback response when asked withResponse', async () => {
    let responseMessageId: string | undefined;
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isChatInputCommand()) return;
        const response = await i.reply({ content: 'first', withResponse: true });
        responseMessageId = response.resource?.message?.id;
        await i.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
      },
    });
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'two parts' } });
    const followUp = await reply.followUp(0);
    expect(followUp.content).toBe('second');
    expect(followUp.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await reply.finalMessage()).content).toBe('first');
    expect(responseMessageId).toBe(reply.original?.id);
    expect(discord.requests.find((r) => r.path.endsWith('/callback'))?.query).toEqual({ with_response: 'true' });
  });

  it('answers autocomplete with the bot choices', async () => {
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isAutocomplete()) return;
        const typed = i.options.getFocused();
        await i.respond([{ name: `${typed} (chapter 1)`, value: `${typed}-1` }]);
      },
    });
    const choices = await discord.sendAutocomplete({ name: 'ask', options: [{ name: 'question', value: 'whale', focused: true }] });
    expect(choices).toEqual([{ name: 'whale (chapter 1)', value: 'whale-1' }]);
  });

  it('clicks a button and records the update (type 7) of the message', async () => {
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (i.isChatInputCommand()) {
          const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId('page:2').setLabel('Next').setStyle(ButtonStyle.Primary),
          );
          await i.reply({ content: 'page 1', components: [row] });
        } else if (i.isButton()) {
          await i.update({ content: `page ${i.customId.split(':')[1]}`, components: [] });
        }
      },
    });
    const command = discord.sendSlashCommand({ name: 'ask', options: { question: 'long answer' } });
    const page1 = await command.finalMessage();
    const click = discord.clickButton({ customId: 'page:2', message: page1 });
    expect((await click.firstResponse()).type).toBe(7);
    const page2 = await click.finalMessage();
    expect(page2).toMatchObject({ id: page1.id, content: 'page 2', components: [] });
    expect(() => discord.clickButton({ customId: 'page:3', message: page1 })).toThrow(/no component/);
  });

  it('refuses a second acknowledgement and content over 2000 characters, like Discord', async () => {
    let secondError: unknown;
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isChatInputCommand()) return;
        const question = i.options.getString('question');
        if (question === 'long') return i.reply('x'.repeat(2001));
        await i.reply('once');
        secondError = await i.client.rest
          .post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 4, data: { content: 'twice' } }, auth: false })
          .catch((e: unknown) => e);
      },
    });
    const once = discord.sendSlashCommand({ name: 'ask', options: { question: 'short' } });
    await once.firstResponse();
    await vi.waitFor(() => expect(secondError).toBeDefined());
    expect((secondError as DiscordAPIError).code).toBe(40060);
    expect(once.rejected.map((r) => r.code)).toEqual([40060]);
    await expect(once.finalMessage()).rejects.toThrow(/already been acknowledged/); // a rejected request fails the wait

    const tooLong = discord.sendSlashCommand({ name: 'ask', options: { question: 'long' } });
    await expect(tooLong.finalMessage()).rejects.toThrow(/BASE_TYPE_MAX_LENGTH/);
  });

  it('refuses a response after the acknowledgement window (404 Unknown interaction)', async () => {
    let lateError: unknown;
    const { discord } = await setup({
      fake: { interactionAckTimeoutMs: 50 }, // Discord's window is 3 s
      onInteraction: async (i) => {
        await new Promise((r) => setTimeout(r, 80));
        if (i.isChatInputCommand()) lateError = await i.reply('too late').catch((e: unknown) => e);
      },
    });
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'slow model' } });
    await expect(reply.firstResponse()).rejects.toThrow(/Unknown interaction/);
    await vi.waitFor(() => expect((lateError as DiscordAPIError | undefined)?.code).toBe(10062));
  });

  it('lets the first follow-up after a defer fill in the deferred message, like Discord', async () => {
    const { discord } = await setup({
      onInteraction: async (i) => {
        if (!i.isChatInputCommand()) return;
        await i.deferReply();
        await i.followUp({ content: 'the answer', flags: MessageFlags.Ephemeral });
      },
    });
    const reply = discord.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const message = await reply.finalMessage();
    expect(message.content).toBe('the answer');
    expect(message.flags).toBe(0); // the defer decided: not ephemeral
    expect(reply.followUps).toEqual([]);
  });

  it('throws for unregistered commands and unknown options (typos in tests fail loudly)', async () => {
    const { discord } = await setup();
    expect(() => discord.sendSlashCommand({ name: 'summarize' })).toThrow(/not registered/);
    expect(() => discord.sendSlashCommand({ name: 'ask', options: { questoin: 'x' } })).toThrow(/no option "questoin"/);
    expect(() => discord.sendSlashCommand({ name: 'ask' })).toThrow(/requires option "question"/);
  });
});

describe('fake Discord: messages', () => {
  it('delivers a mention to a bot without MessageContent, and records message.reply', async () => {
    const { discord } = await setup({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      register: false,
      onMessage: async (m) => {
        if (m.author.bot || !m.mentions.has(m.client.user)) return;
        if (m.channel.isSendable()) await m.channel.sendTyping();
        await m.reply({ content: `got: ${m.content}`, allowedMentions: { repliedUser: false } });
      },
    });
    const exchange = await discord.sendMessage({ content: `${discord.botMention} where is chapter 2?` });
    expect(exchange.delivered?.content).toBe(`${discord.botMention} where is chapter 2?`);
    expect(exchange.reply?.content).toBe(`got: ${discord.botMention} where is chapter 2?`);
    expect(exchange.reply?.message_reference?.message_id).toBe(exchange.message.id);
    expect(exchange.reply?.mentions).toEqual([]); // repliedUser: false
    expect(discord.typing.map((t) => t.channelId)).toEqual([discord.guild.channels[0]?.id]);
    expect(discord.failed).toEqual([]);
  });

  it('blanks content without the MessageContent intent unless the bot is mentioned', async () => {
    const seen: string[] = [];
    const { discord } = await setup({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      register: false,
      onMessage: async (m) => void seen.push(m.content),
    });
    const plain = await discord.sendMessage({ content: 'no mention here', timeoutMs: 100 });
    expect(plain.delivered?.content).toBe('');
    expect(plain.reply).toBeNull();
    await discord.sendMessage({ content: `${discord.botMention} hi`, timeoutMs: 100 });
    expect(seen).toEqual(['', `${discord.botMention} hi`]);
  });

  it('delivers content to a client with the MessageContent intent', async () => {
    const seen: string[] = [];
    const { discord } = await setup({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      register: false,
      onMessage: async (m) => void seen.push(m.content),
    });
    const exchange = await discord.sendMessage({ content: 'visible', timeoutMs: 100 });
    expect(exchange.delivered?.content).toBe('visible');
    expect(seen).toEqual(['visible']);
  });

  it('does not deliver messages to a client without GuildMessages', async () => {
    const { discord } = await setup({ register: false });
    const exchange = await discord.sendMessage({ content: `${discord.botMention} hello?` });
    expect(exchange.delivered).toBeNull();
  });
});
