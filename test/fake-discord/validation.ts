/**
 * The limits Discord enforces on what a bot sends, answered with the same 400s.
 *
 * A bot that quotes documents is exactly the kind that trips them (a 2100-character
 * passage, an embed description over 4096, an autocomplete choice name over 100), and
 * without these checks the fake would happily accept what Discord rejects. Only the
 * limits a text bot can plausibly hit are modelled.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIApplicationCommandOptionChoice,
  type APIEmbed,
} from 'discord-api-types/v10';
import { FormErrors, apiErrors } from './errors.js';
import type { MessageWrite } from './messages.js';

type Path = readonly (string | number)[];

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowComponents: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
} as const;

/**
 * Checks a message create/edit body. `prefix` is where the message sits in the request
 * (`['data']` for interaction callbacks), so the error paths match Discord's.
 */
export function validateMessageWrite(
  body: MessageWrite,
  { prefix = [], creating, fileCount }: { prefix?: Path; creating: boolean; fileCount: number },
): void {
  const errors = new FormErrors();
  const at = (...path: (string | number)[]): Path => [...prefix, ...path];
  const flags = body.flags ?? 0;
  const componentsV2 = (flags & MessageFlags.IsComponentsV2) !== 0;

  if (typeof body.content === 'string') errors.maxLength(at('content'), body.content, LIMITS.content);
  if (componentsV2 && (body.content || body.embeds?.length)) {
    errors.add(at('content'), 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
  if (body.embeds) validateEmbeds(body.embeds, errors, at('embeds'));
  if (body.components && !componentsV2) validateActionRows(body.components, errors, at('components'));

  const mentions = body.allowed_mentions;
  if (mentions?.parse?.includes('users' as never) && mentions.users?.length) {
    errors.add(at('allowed_mentions'), 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', 'parse:["users"] and users: [ids...] are mutually exclusive.');
  }
  if (mentions?.parse?.includes('roles' as never) && mentions.roles?.length) {
    errors.add(at('allowed_mentions'), 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', 'parse:["roles"] and roles: [ids...] are mutually exclusive.');
  }
  errors.throwIfAny();

  if (creating) {
    const empty =
      !body.content &&
      !body.embeds?.length &&
      !body.components?.length &&
      !body.sticker_ids?.length &&
      !body.poll &&
      fileCount === 0;
    if (empty) throw apiErrors.emptyMessage();
  }
}

function validateEmbeds(embeds: APIEmbed[], errors: FormErrors, path: Path): void {
  errors.maxLength(path, embeds, LIMITS.embeds);
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = (...rest: (string | number)[]): Path => [...path, i, ...rest];
    errors.maxLength(at('title'), embed.title, LIMITS.embedTitle);
    errors.maxLength(at('description'), embed.description, LIMITS.embedDescription);
    errors.maxLength(at('footer', 'text'), embed.footer?.text, LIMITS.embedFooter);
    errors.maxLength(at('author', 'name'), embed.author?.name, LIMITS.embedAuthor);
    errors.maxLength(at('fields'), embed.fields, LIMITS.embedFields);
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
    embed.fields?.forEach((field, j) => {
      errors.required(at('fields', j, 'name'), field.name);
      errors.required(at('fields', j, 'value'), field.value);
      errors.maxLength(at('fields', j, 'name'), field.name, LIMITS.embedFieldName);
      errors.maxLength(at('fields', j, 'value'), field.value, LIMITS.embedFieldValue);
      total += (field.name?.length ?? 0) + (field.value?.length ?? 0);
    });
  });
  if (total > LIMITS.embedTotal) {
    errors.add(path, 'MESSAGE_EMBEDS_TOTAL_LENGTH_EXCEEDED', `Embed size exceeds maximum size of ${LIMITS.embedTotal}`);
  }
}

/** Classic (non components-v2) layout: up to 5 action rows of up to 5 buttons, or one select. */
function validateActionRows(rows: readonly unknown[], errors: FormErrors, path: Path): void {
  errors.maxLength(path, rows, LIMITS.actionRows);
  const customIds = new Set<string>();
  rows.forEach((rowValue, i) => {
    const row = rowValue as { type?: number; components?: Record<string, unknown>[] };
    if (row.type !== ComponentType.ActionRow) {
      errors.add([...path, i, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
      return;
    }
    const children = row.components ?? [];
    if (children.length === 0) errors.add([...path, i, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    errors.maxLength([...path, i, 'components'], children, LIMITS.rowComponents);
    children.forEach((child, j) => {
      const at = (...rest: (string | number)[]): Path => [...path, i, 'components', j, ...rest];
      const customId = typeof child.custom_id === 'string' ? child.custom_id : undefined;
      if (child.type === ComponentType.Button) {
        errors.maxLength(at('label'), child.label as string | undefined, LIMITS.buttonLabel);
        if (child.style === ButtonStyle.Link) errors.required(at('url'), child.url);
        else if (child.style !== ButtonStyle.Premium) errors.required(at('custom_id'), customId);
      } else {
        const options = child.options as unknown[] | undefined;
        if (child.type === ComponentType.StringSelect) errors.maxLength(at('options'), options, LIMITS.selectOptions);
        errors.required(at('custom_id'), customId);
        if (children.length > 1) errors.add(at('type'), 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
      }
      errors.maxLength(at('custom_id'), customId, LIMITS.customId);
      if (customId !== undefined) {
        if (customIds.has(customId)) errors.add(at('custom_id'), 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        customIds.add(customId);
      }
    });
  });
}

/** The type-8 autocomplete result: at most 25 choices, names 1-100, string values up to 100. */
export function validateChoices(choices: APIApplicationCommandOptionChoice[] | undefined, path: Path): void {
  const errors = new FormErrors();
  errors.maxLength(path, choices, LIMITS.choices);
  choices?.forEach((choice, i) => {
    errors.required([...path, i, 'name'], choice.name);
    errors.maxLength([...path, i, 'name'], choice.name, LIMITS.choiceName);
    if (typeof choice.value === 'string') errors.maxLength([...path, i, 'value'], choice.value, LIMITS.choiceValue);
  });
  errors.throwIfAny();
}

// Discord's documented name rule; chat input names must also be lower case.
const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface CommandLike {
  name?: unknown;
  description?: unknown;
  type?: number;
  options?: OptionLike[];
}
interface OptionLike {
  name?: unknown;
  description?: unknown;
  type?: number;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name?: unknown; value?: unknown }[];
  options?: OptionLike[];
}

/** Command definitions as sent to PUT/POST .../commands. */
export function validateCommands(commands: readonly CommandLike[], { bulk }: { bulk: boolean }): void {
  const errors = new FormErrors();
  const seen = new Set<string>();
  commands.forEach((command, i) => {
    const path = bulk ? [i] : [];
    const type = command.type ?? ApplicationCommandType.ChatInput;
    const chatInput = type === ApplicationCommandType.ChatInput;
    validateName(command.name, chatInput, errors, [...path, 'name']);
    if (chatInput) validateDescription(command.description, errors, [...path, 'description']);
    validateOptions(command.options, errors, [...path, 'options']);
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) errors.add([...path, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
  });
  errors.throwIfAny();
}

function validateName(name: unknown, lowerCase: boolean, errors: FormErrors, path: Path): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || (lowerCase && name !== name.toLowerCase())) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function validateDescription(description: unknown, errors: FormErrors, path: Path): void {
  if (typeof description !== 'string' || description.length === 0) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  else errors.maxLength(path, description, LIMITS.commandDescription);
}

function validateOptions(options: OptionLike[] | undefined, errors: FormErrors, path: Path): void {
  if (!options) return;
  errors.maxLength(path, options, LIMITS.commandOptions);
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((option, i) => {
    const at = (...rest: (string | number)[]): Path => [...path, i, ...rest];
    validateName(option.name, true, errors, at('name'));
    validateDescription(option.description, errors, at('description'));
    if (typeof option.name === 'string') {
      if (names.has(option.name)) errors.add(at('name'), 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option name already exists');
      names.add(option.name);
    }
    const nested = option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (nested) {
      validateOptions(option.options, errors, at('options'));
      return;
    }
    if (option.required) {
      if (optionalSeen) errors.add(at('required'), 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else {
      optionalSeen = true;
    }
    if (option.choices) {
      errors.maxLength(at('choices'), option.choices, LIMITS.choices);
      option.choices.forEach((choice, j) => {
        errors.maxLength(at('choices', j, 'name'), choice.name as string | undefined, LIMITS.choiceName);
        if (typeof choice.value === 'string') errors.maxLength(at('choices', j, 'value'), choice.value, LIMITS.choiceValue);
      });
      if (option.autocomplete && option.choices.length > 0) {
        errors.add(at('autocomplete'), 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE', 'Autocomplete and choices are mutually exclusive');
      }
    }
  });
}
