import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How much an operation asks for, estimated before it runs, with its variables known — so that a
 * count written into the query text and the same count passed as a variable weigh the same.
 * (GraphQL Armor's cost rule runs at validation, before variables exist: it multiplied a literal
 * `last: 500` past the limit and let `last: $count` through whatever the count.)
 *
 * Two numbers, two limits:
 * - `cost`, the operation's shape: each object field costs 2, each scalar 1, and each level of
 *   nesting weighs 1.5 times the one above (after Armor's formula, with its defaults). Aliases fanning out a
 *   deep selection many times over are what it stops.
 * - `listItems`, what `first:` and `last:` arguments ask for, literal or variable, a count inside
 *   another count multiplied by it (`candles(last: 10000)` is 10,000; the same in three aliases
 *   30,000). Every such list is also capped by its own field (candles: 10,000), and broker calls by
 *   `maxBrokerCallsPerRequest`; this bounds the answer a single request can make brokerql build.
 */

export interface OperationEstimate {
  cost: number;
  listItems: number;
}

const objectCost = 2;
const scalarCost = 1;
const depthCostFactor = 1.5;
const countArguments = new Set(['first', 'last']);

export function estimateOperation(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): OperationEstimate {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const operation = document.definitions.find(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && (operationName == null || definition.name?.value === operationName),
  );
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return { cost: 0, listItems: 0 };

  const countOf = (value: ValueNode): number => {
    const number = value.kind === Kind.INT ? Number(value.value) : value.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
    return typeof number === 'number' && Number.isFinite(number) && number > 1 ? number : 1;
  };
  // A fragment weighs the same wherever it is spread (its list items scale with the counts around
  // it, which the caller applies), so each is estimated once: fragments that each spread the next
  // twice would otherwise be walked 2^depth times — by the very check meant to stop costly documents.
  const fragmentEstimates = new Map<string, OperationEstimate>();
  const fragmentEstimate = (name: string): OperationEstimate => {
    const known = fragmentEstimates.get(name);
    if (known) return known;
    // Validation forbids cycles; this does not rely on it: a fragment inside itself weighs nothing more.
    fragmentEstimates.set(name, { cost: 0, listItems: 0 });
    const fragment = fragments.get(name);
    const estimate = fragment ? estimateSelections(fragment.selectionSet) : { cost: 0, listItems: 0 };
    fragmentEstimates.set(name, estimate);
    return estimate;
  };
  /** A selection set's cost, and the list items it asks for when it is asked once. */
  const estimateSelections = (selectionSet: SelectionSetNode): OperationEstimate => {
    let cost = 0;
    let listItems = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__schema') continue;
        if (!selection.selectionSet) {
          cost += scalarCost;
          continue;
        }
        const count = selection.arguments?.find((argument) => countArguments.has(argument.name.value));
        const items = count ? countOf(count.value) : 1;
        const inner = estimateSelections(selection.selectionSet);
        cost += objectCost + depthCostFactor * inner.cost;
        listItems += (count ? items : 0) + items * inner.listItems;
      } else {
        const inner = selection.kind === Kind.INLINE_FRAGMENT ? estimateSelections(selection.selectionSet) : fragmentEstimate(selection.name.value);
        cost += depthCostFactor * inner.cost;
        listItems += inner.listItems;
      }
    }
    return { cost, listItems };
  };
  return estimateSelections(operation.selectionSet);
}

export interface OperationCostLimits {
  maxCost: number;
  maxListItems: number;
}

/** Refuses, before execution (queries, mutations and subscriptions alike), an operation past either limit. */
export function useOperationCost(limits: OperationCostLimits): Plugin {
  const refusal = (args: ExecutionArgs): GraphQLError | undefined => {
    const { cost, listItems } = estimateOperation(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
    if (cost > limits.maxCost) return new GraphQLError(`Query Cost limit of ${limits.maxCost} exceeded, found ${Math.round(cost)} (server.limits.maxCost).`);
    if (listItems > limits.maxListItems) {
      return new GraphQLError(`The operation asks for ${listItems} list items through first:/last:, more than ${limits.maxListItems} (server.limits.maxListItems).`);
    }
    return undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
