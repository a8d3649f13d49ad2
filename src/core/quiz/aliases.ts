/**
 * Other names for the same thing, so that a quiz never offers one as a wrong answer when
 * the document uses it for the answer ("Moscow’s recognition" means Russia's: Moscow among
 * the options for "Russia" would be a second right answer).
 *
 * Two sources: what the document says itself, a name with another in brackets right after
 * it ("Collective Security Treaty Organization (CSTO)"); and countries with their capitals
 * and common aliases from the countries-list package (Russia, Russian Federation, Moscow;
 * United States, US, USA, America, Washington), the names news writing swaps most often.
 */
import { countries } from 'countries-list';

/** Lower-cased name → the countries it can stand for (a capital's name may be shared). */
const COUNTRY_NAMES = new Map<string, Set<string>>();
for (const [code, country] of Object.entries(countries)) {
  const names = [country.name, ...(('alias' in country ? country.alias : undefined) ?? []), country.capital];
  // "Washington D.C." is also written "Washington".
  if (country.capital.includes(' ')) names.push(country.capital.split(' ')[0]!);
  for (const name of names) {
    if (!name) continue;
    const key = name.toLowerCase();
    const set = COUNTRY_NAMES.get(key) ?? new Set<string>();
    set.add(code);
    COUNTRY_NAMES.set(key, set);
  }
}

/** "Name (Other Name)" or "Name (ACRONYM)": the document saying two names are one. */
const BRACKETED_ALIAS = /(\p{Lu}[\p{L}\p{N}.'’-]*(?:\s+(?:of|and|for|the|\p{Lu}[\p{L}\p{N}.'’-]*))*)\s+\((\p{Lu}[\p{L}\p{N}.'’ -]*)\)/gu;

/** Pairs of names the document declares to be the same, lower-cased, both ways. */
export function documentAliases(quotes: Iterable<string>): Map<string, Set<string>> {
  const aliases = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    const set = aliases.get(a) ?? new Set<string>();
    set.add(b);
    aliases.set(a, set);
  };
  for (const quote of quotes) {
    for (const m of quote.matchAll(BRACKETED_ALIAS)) {
      const short = m[2]!.trim().toLowerCase();
      // Where the long name starts is unclear ("Members of the Collective Security Treaty
      // Organization (CSTO)"): every tail that starts with a capital counts.
      const words = m[1]!.trim().split(/\s+/);
      words.forEach((word, i) => {
        if (!/^\p{Lu}/u.test(word)) return;
        const long = words.slice(i).join(' ').toLowerCase();
        add(long, short);
        add(short, long);
      });
    }
  }
  return aliases;
}

/** Whether `a` and `b` name the same thing: the document says so, or they are a country and its capital or alias. */
export function sameThing(a: string, b: string, declared: ReadonlyMap<string, ReadonlySet<string>> = new Map()): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y || declared.get(x)?.has(y)) return true;
  const cx = COUNTRY_NAMES.get(x);
  const cy = COUNTRY_NAMES.get(y);
  if (!cx || !cy) return false;
  for (const code of cx) if (cy.has(code)) return true;
  return false;
}
