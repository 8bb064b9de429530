import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface NestingLimitOptions {
  /** Deepest nesting of brackets, braces and parentheses a document may have. */
  maxNesting?: number;
}

const opening: ReadonlySet<TokenKind> = new Set([TokenKind.BRACKET_L, TokenKind.BRACE_L, TokenKind.PAREN_L]);
const closing: ReadonlySet<TokenKind> = new Set([TokenKind.BRACKET_R, TokenKind.BRACE_R, TokenKind.PAREN_R]);

/**
 * Refuses a document whose lists, objects, selection sets or arguments nest deeper than
 * `maxNesting`, before it is parsed. graphql-js parses (and validates) recursively: a 5,000-deep
 * list literal — 10 KB, well inside the body and token limits — overflowed the stack in the
 * parser and came back as INTERNAL. The check walks the tokens with graphql-js's own lexer, which
 * does not recurse, so it understands strings and comments exactly as the parser will.
 *
 * The default, 256, is far above any real document (the field depth limit is at most 100, and
 * brokerql's inputs nest two deep) and far below where the parser runs out of stack (thousands).
 */
export function useNestingLimit({ maxNesting = 256 }: NestingLimitOptions = {}): Plugin {
  return {
    onParse({ params }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      const depth = deepestNesting(text, maxNesting);
      if (depth > maxNesting) {
        throw new GraphQLError(`The document nests lists, objects or selections more than ${maxNesting} deep; at most ${maxNesting} is allowed.`, {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
    },
  };
}

/**
 * How deep the document nests, or the first depth found beyond `limit` (there is no need to read
 * further). A token the lexer cannot read ends the walk: the parser reports that syntax error.
 */
function deepestNesting(text: string, limit: number): number {
  // Fewer opening characters than the limit cannot nest past it (strings and comments included).
  let openings = 0;
  for (let index = 0; index < text.length && openings <= limit; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b || code === 0x28) openings++;
  }
  if (openings <= limit) return openings;

  const lexer = new Lexer(new Source(text));
  let depth = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (opening.has(token.kind)) {
        depth++;
        if (depth > deepest) deepest = depth;
        if (deepest > limit) return deepest;
      } else if (closing.has(token.kind)) {
        depth--;
      }
    }
  } catch {
    return deepest;
  }
  return deepest;
}
