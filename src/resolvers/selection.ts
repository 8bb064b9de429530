import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { PortfolioParts } from '../brokers/adapter.js';

/**
 * What a query selects below the field being resolved, so that a loader asks the broker only for
 * what feeds those fields. @skip and @include are not evaluated: a conditional field counts as
 * selected, which can cost a call that was not needed but never leaves a field without its data.
 */

/** A document's nodes live as long as its parsed (and compiled) form, so the answer is kept per node. */
const namesByNode = new WeakMap<FieldNode, ReadonlySet<string>>();

/** The names of the fields selected directly below this field, through fragments and inline fragments. */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): ReadonlySet<string> {
  const [only, ...others] = info.fieldNodes;
  if (only && others.length === 0) {
    const known = namesByNode.get(only);
    if (known) return known;
  }
  const names = new Set<string>();
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  if (only && others.length === 0) namesByNode.set(only, names);
  return names;
}

/**
 * The portfolio parts a `portfolio` field selects. One that selects none of them (only `asOf` or
 * `account`) still reads the positions: the portfolio must be null with an error when the broker
 * cannot read the account, as for any other selection.
 */
export function selectedPortfolioParts(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): PortfolioParts {
  const names = selectedFieldNames(info);
  const cash = names.has('cash');
  const valuation = names.has('valuation');
  return { positions: names.has('positions') || (!cash && !valuation), cash, valuation };
}
