import { z } from 'zod';
import type { UpstreamClient } from '../../../../src/brokers/http.js';
import { IdentifierGrammar, tickerGrammar } from '../../../../src/brokers/identifiers.js';
import { jsonDecimal, jsonInteger, parseJsonExact } from '../../../../src/brokers/json.js';
import { readAnswer } from '../../../../src/brokers/upstream-answer.js';
import type { BrokerErrorTable } from '../../../../src/brokers/upstream-errors.js';

/**
 * The toy protocol: GET below the base URL, the key in `X-Toy-Key`, JSON answers with amounts as
 * strings; errors are `{"error": "…"}` with the HTTP status (401 unknown key, 404 unknown
 * resource, 429 past its limit with Retry-After). Every other status takes the shared rows.
 */

export const toyLabel = 'Toy';

export const toyErrors: BrokerErrorTable = {
  readBody: (text) => {
    try {
      const body = z.object({ error: z.string() }).safeParse(parseJsonExact(text));
      return body.success ? { message: body.data.error } : {};
    } catch {
      return {};
    }
  },
  byStatus: {},
};

/** Account numbers as the toy broker writes them: T-1, T-2. */
export const toyAccountNumber = new IdentifierGrammar<'toy account'>({ rule: 'a toy account number such as T-1', pattern: /^T-\d{1,6}$/, maximumLength: 8 });
export const toySymbol = new IdentifierGrammar<'toy symbol'>(tickerGrammar);
/** Order numbers, were it to take orders: digits. */
export const toyOrderNumber = new IdentifierGrammar<'toy order'>({ rule: 'digits', pattern: /^\d{1,12}$/, maximumLength: 12 });

// {"accounts":[{"number":"T-1","title":"Toy savings"},{"number":"T-2","title":null}]}
export const accountsSchema = z.object({ accounts: z.array(z.object({ number: z.string(), title: z.string().nullable() })) });
// {"currency":"RUB","amount":"1234.56"}
export const cashSchema = z.object({ currency: z.string(), amount: jsonDecimal });
// {"symbol":"TOY","name":"Toy share","lot":1}
export const instrumentSchema = z.object({ symbol: z.string(), name: z.string().nullable(), lot: jsonInteger });

export class ToyClient {
  constructor(
    private readonly http: UpstreamClient,
    private readonly key: string,
  ) {}

  /** `path` is built from checked identifiers only; `route` names the call in metrics and messages. */
  async get<Schema extends z.ZodType>(path: string, route: string, schema: Schema, signal?: AbortSignal, subject?: string): Promise<z.output<Schema>> {
    const response = await this.http.send({ method: 'GET', path, headers: { 'x-toy-key': this.key, accept: 'application/json' }, route, signal });
    return readAnswer(response, { label: toyLabel, connection: this.http.connection, what: route, subject, errors: toyErrors, schema });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
