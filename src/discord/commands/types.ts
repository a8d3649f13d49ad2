/**
 * A slash command: a typed JSON definition (`data`, sent as is by deploy-commands), the
 * guards it needs, and handlers whose argument types are derived from the definition.
 */
import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Guard } from '../guards/index.js';
import type { BotContext } from '../types.js';

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A chat input command definition, written `as const satisfies CommandDefinition`. */
export type CommandDefinition = DeepReadonly<RESTPostAPIChatInputApplicationCommandsJSONBody>;

/** Option values as the handler gets them; channels, roles and users as their ids. */
interface OptionValues {
  [ApplicationCommandOptionType.String]: string;
  [ApplicationCommandOptionType.Integer]: number;
  [ApplicationCommandOptionType.Number]: number;
  [ApplicationCommandOptionType.Boolean]: boolean;
  [ApplicationCommandOptionType.Channel]: string;
  [ApplicationCommandOptionType.Role]: string;
  [ApplicationCommandOptionType.User]: string;
  [ApplicationCommandOptionType.Mentionable]: string;
  /** The attachment's id; `interaction.options.getAttachment` gives the file. */
  [ApplicationCommandOptionType.Attachment]: string;
}
type ValueOf<O> = O extends { readonly type: infer T } ? (T extends keyof OptionValues ? OptionValues[T] : never) : never;
type OptionsOf<D> = D extends { readonly options: readonly (infer O)[] } ? O : never;

/** `{ question: string; private?: boolean }` from a list of leaf options. */
type LeafArgs<D> = {
  [O in OptionsOf<D> as O extends { readonly required: true; readonly name: infer N extends string } ? N : never]: ValueOf<O>;
} & {
  [O in OptionsOf<D> as O extends { readonly required: true } ? never : O extends { readonly name: infer N extends string } ? N : never]?: ValueOf<O>;
};

/** `{ subcommand: 'cooldown'; seconds: number } | { subcommand: 'show' } | …` from a command made of subcommands. */
type SubcommandArgs<D> =
  OptionsOf<D> extends infer O
    ? O extends { readonly type: ApplicationCommandOptionType.Subcommand; readonly name: infer N extends string }
      ? { subcommand: N } & LeafArgs<O>
      : never
    : never;

/** The handler's arguments, derived from the definition: leaf options, or one union member per subcommand. */
export type ArgsOf<D> = [SubcommandArgs<D>] extends [never] ? LeafArgs<D> : SubcommandArgs<D>;

/** Whether a command's reply is seen by everyone in the channel or only by the member who ran it. */
export type ReplyVisibility = 'private' | 'public';

export interface Command<D extends CommandDefinition = CommandDefinition> {
  data: D;
  /**
   * Who will see the reply: the dispatcher defers this way when loading the server's
   * documents outlasts DEFER_AFTER_MS, and a defer fixes the reply's visibility.
   */
  reply: ReplyVisibility | ((args: ArgsOf<D>, interaction: ChatInputCommandInteraction, ctx: BotContext) => ReplyVisibility);
  /** Preconditions, run in order by the dispatcher before `execute`. */
  guards?: readonly Guard[];
  execute(interaction: ChatInputCommandInteraction, args: ArgsOf<D>, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** Declares a command; keeps `D` precise so `execute`'s `args` are typed. */
export function defineCommand<const D extends CommandDefinition>(command: Command<D>): Command<D> {
  return command;
}

/** Reads the options a definition declares from an interaction (with `subcommand` for a command made of subcommands). */
export function readArgs<D extends CommandDefinition>(data: D, interaction: ChatInputCommandInteraction): ArgsOf<D> {
  const args: Record<string, unknown> = {};
  let options: readonly { name: string; type: ApplicationCommandOptionType; options?: unknown }[] = data.options ?? [];
  const subcommand = interaction.options.getSubcommand(false);
  if (subcommand !== null) {
    args.subcommand = subcommand;
    const chosen = options.find((o) => o.type === ApplicationCommandOptionType.Subcommand && o.name === subcommand);
    options = (chosen?.options as typeof options | undefined) ?? [];
  }
  for (const option of options) {
    const value = interaction.options.get(option.name)?.value;
    if (value !== undefined && value !== null) args[option.name] = value;
  }
  return args as ArgsOf<D>;
}

/** The definition as the REST body Discord expects. */
export function toJSON(data: CommandDefinition): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return structuredClone(data) as RESTPostAPIChatInputApplicationCommandsJSONBody;
}
