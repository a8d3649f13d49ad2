/**
 * Discord's JSON error responses. Route handlers throw a FakeAPIError; the router turns it
 * into the status and body Discord would send, so discord.js raises its real
 * `DiscordAPIError` (with `code` and `status`) inside the bot.
 */
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

export interface APIErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}

/** Discord's nested form-error shape: `{ content: { _errors: [{ code, message }] } }`. */
export interface ErrorTree {
  [key: string]: ErrorTree | { code: string; message: string }[];
}

export class FakeAPIError extends Error {
  constructor(
    readonly status: number,
    readonly body: APIErrorBody,
  ) {
    super(`${status} ${body.message}`);
  }
}

const fail = (status: number, code: number, message: string) => () => new FakeAPIError(status, { code, message });

/** The failures the fake produces, with Discord's codes and messages. */
export const apiErrors = {
  unauthorized: fail(401, 0, '401: Unauthorized'),
  notFound: fail(404, 0, '404: Not Found'),
  unknownApplication: fail(404, RESTJSONErrorCodes.UnknownApplication, 'Unknown Application'),
  unknownChannel: fail(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel'),
  unknownGuild: fail(404, RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild'),
  unknownMember: fail(404, RESTJSONErrorCodes.UnknownMember, 'Unknown Member'),
  unknownMessage: fail(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
  unknownUser: fail(404, RESTJSONErrorCodes.UnknownUser, 'Unknown User'),
  unknownWebhook: fail(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook'),
  unknownInteraction: fail(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction'),
  unknownCommand: fail(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command'),
  alreadyAcknowledged: fail(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.'),
  emptyMessage: fail(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
  missingAccess: fail(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access'),
  missingPermissions: fail(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions'),
  notAuthor: fail(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user'),
  invalidJson: fail(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, 'The request body contains invalid JSON.'),
  threadAlreadyCreated: fail(400, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage, 'A thread has already been created for this message'),
  cannotStartThreadHere: fail(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body'),
};

/** Collects field errors and throws them as one 50035 `Invalid Form Body`, like Discord. */
export class FormErrors {
  readonly #tree: ErrorTree = {};
  #count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    this.#count++;
    let node = this.#tree;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) {
        const created: ErrorTree = {};
        node[String(key)] = created;
        node = created;
      } else {
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
  }

  maxLength(path: readonly (string | number)[], value: string | readonly unknown[] | null | undefined, max: number): void {
    if (value != null && value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  required(path: readonly (string | number)[], value: unknown): void {
    if (value === undefined || value === null || value === '') this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  }

  throwIfAny(): void {
    if (this.#count > 0) {
      throw new FakeAPIError(400, { code: RESTJSONErrorCodes.InvalidFormBodyOrContentType, message: 'Invalid Form Body', errors: this.#tree });
    }
  }
}
