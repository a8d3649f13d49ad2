/**
 * Input that is not a question about a document at all: a database statement, a shell
 * command, a bare file path, text with no words, or instructions addressed to the bot.
 * Such input would still find the passages that share its few words ("users", "table",
 * "root") and be answered with something unrelated; it gets a refusal that says what it is
 * instead. Only unambiguous shapes are matched: a question about a command ("What does
 * `rm -rf` do?") has a question's form and is not caught here.
 */

/** Why the input is not a question about the document, or null when it may be one. */
export function notAQuestion(question: string): string | null {
  const text = question.trim();
  if (!/\p{L}{2,}/u.test(text)) return 'It is not a question in words.';
  if (INSTRUCTIONS.test(text)) return 'It gives instructions rather than asking about the document.';
  if (QUESTION_WORD.test(text) || text.endsWith('?')) return null;
  if (SQL.test(text)) return 'It reads as a database statement, not a question.';
  if (SHELL.test(text)) return 'It reads as a shell command, not a question.';
  if (PATH.test(text)) return 'It is a file path, not a question.';
  return null;
}

/** Words that open or carry a question or a request for information. */
const QUESTION_WORD = /^(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|may|might|must|has|have|had|explain|describe|tell|list|show|give|define|summari[sz]e|compare)\b/i;
/** A statement in SQL: a keyword that starts one, and the clause that makes it one. */
const SQL = /^(select\s.+\sfrom\s|insert\s+into\s|update\s+\S+\s+set\s|delete\s+from\s|drop\s+(table|database)\s|create\s+(table|database|index)\s|alter\s+table\s|truncate\s+table\s)/i;
/** A command line: a common command followed by an option, a path or a pipe. */
const SHELL = /^sudo\s+\S|^(rm|ls|cd|cat|curl|wget|chmod|chown|mv|cp|kill|pkill|apt|apt-get|yum|dnf|pip|npm|npx|git|docker|ssh|scp|sh|bash|echo|grep|find|tar|dd|mkfs|shutdown|reboot)\s+(-|\/|~|\.|\$|"|'|\||\S+\s*(\||&&|;|>))/i;
/** A path alone: absolute, home-relative or a Windows drive. */
const PATH = /^(~?\/|[a-z]:\\)[^\s]*$/i;
/**
 * Addressed to the bot as instructions to override (prompt-injection phrasing): an imperative
 * at the start, so that a question about a document's own rules or prompts ("Does the
 * constitution ignore the previous rules on quorum?", "What is a system prompt?") is asked.
 */
const INSTRUCTIONS = /^(please\s+)?(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier)\s+(instructions|prompts?|rules)\b|^(please\s+)?(print|show|reveal|repeat|tell me)\s+(me\s+)?(your|the)\s+(system|initial|hidden)\s+prompt\b/i;
