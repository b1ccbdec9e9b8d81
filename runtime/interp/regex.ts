// Python's `re` (sub, findall, split, match/search/fullmatch as a truth value) and `unicodedata` (normalize,
// category) over known strings, through JavaScript's RegExp where the two languages agree: the text normalisers of
// chatbot/translation tutorials (normalizeString, unicodeToAscii) then keep sentence lengths and vocabularies exact.
// Anything where they may differ gives null (the caller makes the value unknown): non-ASCII text with \w \d \s \b,
// patterns that can match the empty string (Python and JavaScript place empty matches differently), Python-only
// syntax (inline flags, \A \Z, conditionals, possessive quantifiers), replacement functions, flags other than
// IGNORECASE / MULTILINE / DOTALL.

/** re.IGNORECASE / MULTILINE / DOTALL as Python's int flag values. */
const FLAG_BITS: [number, string][] = [[2, 'i'], [8, 'm'], [16, 's']];
const KNOWN_FLAGS = 2 | 8 | 16 | 32; // 32: re.UNICODE (the default for str patterns)

export const RE_FLAGS: Record<string, number> = { IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16, UNICODE: 32, U: 32 };

/** Longest text a pattern with one unbounded quantifier runs on; with two, SHORT_TEXT_FOR_TWO_REPEATS. */
const MAX_REGEX_TEXT = 200_000;
const SHORT_TEXT_FOR_TWO_REPEATS = 5_000;

/** Whether matching may take more than about linear-to-quadratic time on this text (JavaScript's RegExp backtracks
 *  and cannot be interrupted: `(a+)+$` on 40 a's and a b hung the analysis, and with it the extension host).
 *  Refused: a repeated group that itself holds a quantifier or an alternative (`(a+)+`, `(a|aa)*`, `(\w+\s?)+`),
 *  backreferences, three or more unbounded quantifiers, two on a long text, any pattern on a very long text. */
export function mayBacktrackBadly(pattern: string, textLength: number): boolean {
  if (textLength > MAX_REGEX_TEXT || /\\[1-9]|\\k<|\(\?P=/.test(pattern)) return true;
  const groups: boolean[] = []; // per open group: does it hold a quantifier or a '|'?
  let unbounded = 0;
  let lastGroupRisky = false; // the token just closed was a group holding a quantifier or '|'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    let closedRisky = false;
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') groups.push(false);
    else if (c === ')') closedRisky = groups.pop() ?? false;
    else if (c === '|') {
      if (groups.length) groups[groups.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '{') {
      const bounded = c === '{' && /^\{\d+(,\d+)?\}/.test(pattern.slice(i));
      if (!bounded) unbounded++;
      if (lastGroupRisky && (c !== '{' || !/^\{\d+\}/.test(pattern.slice(i)))) return true;
      for (let g = 0; g < groups.length; g++) groups[g] = true;
    }
    lastGroupRisky = closedRisky;
  }
  return unbounded >= 3 || (unbounded === 2 && textLength > SHORT_TEXT_FOR_TWO_REPEATS);
}

/** A JavaScript RegExp equivalent to the Python pattern on this text, or null. */
export function pyRegExp(pattern: string, flags: number, text: string, global: boolean): RegExp | null {
  if ((flags & ~KNOWN_FLAGS) !== 0) return null;
  if (mayBacktrackBadly(pattern, text.length)) return null;
  if (/\(\?[aiLmsux-]|\\[AZ]|\(\?\(|[*+?}]\+|\\[0-9]{3}/.test(pattern)) return null;
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text);
  if (!ascii && /\\[wWdDsSbB]/.test(pattern)) return null;
  // Python's $ also matches before a final newline
  if (text.includes('\n') && /(^|[^\\])\$/.test(pattern)) return null;
  // named groups; named backreferences (?P=name) never get here (mayBacktrackBadly refuses them)
  const src = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>');
  let f = global ? 'g' : '';
  for (const [bit, ch] of FLAG_BITS) if (flags & bit) f += ch;
  let re: RegExp;
  try {
    re = new RegExp(src, f);
  } catch {
    return null;
  }
  // empty matches are placed differently by the two engines
  if (new RegExp(`(?:${src})`, f.replace('g', '')).test('') || /\\b|\\B|\(\?=|\(\?!|\(\?<=|\(\?<!/.test(src)) return null;
  return re;
}

/** Python's replacement template (\1, \g<1>, \g<name>, escapes) as a JavaScript one, or null. */
function replacement(repl: string): string | null {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c === '$') out += '$$';
    else if (c !== '\\') out += c;
    else {
      const n = repl[i + 1];
      if (n === undefined) return null;
      if (/[1-9]/.test(n)) {
        out += `$${n}`;
        i++;
      } else if (n === 'g') {
        const m = /^\\g<(\w+)>/.exec(repl.slice(i));
        if (!m) return null;
        out += /^\d+$/.test(m[1]) ? `$${m[1]}` : `$<${m[1]}>`;
        i += m[0].length - 1;
      } else if (n === 'n') {
        out += '\n';
        i++;
      } else if (n === 't') {
        out += '\t';
        i++;
      } else if (n === '\\') {
        out += '\\';
        i++;
      } else return null;
    }
  }
  return out;
}

export function reSub(pattern: string, repl: string, text: string, count: number, flags: number): string | null {
  const re = pyRegExp(pattern, flags, text, true);
  const r = replacement(repl);
  if (!re || r === null || count !== 0) return null;
  return text.replace(re, r);
}

/** re.findall: the matches (no group), the group (one), or tuples of groups (several; unmatched groups are ''). */
export function reFindall(pattern: string, text: string, flags: number): (string | string[])[] | null {
  const re = pyRegExp(pattern, flags, text, true);
  if (!re) return null;
  const out: (string | string[])[] = [];
  for (const m of text.matchAll(re)) {
    const groups = m.slice(1).map((g) => g ?? '');
    out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups);
  }
  return out;
}

/** re.split without capturing groups (with them Python interleaves the groups: null). */
export function reSplit(pattern: string, text: string, maxsplit: number, flags: number): string[] | null {
  const re = pyRegExp(pattern, flags, text, true);
  if (!re || maxsplit < 0 || new RegExp(`${re.source}|`).exec('')!.length > 1) return null;
  const out: string[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(re)) {
    if (maxsplit > 0 && n >= maxsplit) break;
    out.push(text.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    n++;
  }
  out.push(text.slice(last));
  return out;
}

/** Whether re.match (at the start) / re.search / re.fullmatch finds a match. */
export function reFinds(kind: 'match' | 'search' | 'fullmatch', pattern: string, text: string, flags: number): boolean | null {
  if (kind !== 'search' && flags & 8) return null;
  const re = pyRegExp(kind === 'search' ? pattern : kind === 'match' ? `^(?:${pattern})` : `^(?:${pattern})$`, flags, text, false);
  return re ? re.test(text) : null;
}

const CATEGORIES = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co'];

/** unicodedata.category(ch): the two-letter general category ('Cn' when unassigned), or null for a non-character. */
export function unicodeCategory(ch: string): string | null {
  if ([...ch].length !== 1) return null;
  for (const c of CATEGORIES) if (new RegExp(`^\\p{${c}}$`, 'u').test(ch)) return c;
  return 'Cn';
}

/** unicodedata.normalize(form, s). */
export function unicodeNormalize(form: string, s: string): string | null {
  return form === 'NFC' || form === 'NFD' || form === 'NFKC' || form === 'NFKD' ? s.normalize(form) : null;
}
