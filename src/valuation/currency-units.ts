import { BadUserInputError } from '../errors.js';
import { describeReceived } from '../brokers/identifiers.js';

/**
 * ISO 4217 minor units: how many decimals an amount of a currency is shown (and rounded) with.
 * The table lists the currencies whose minor unit is not 2 (ISO 4217's list, 2024); every other
 * code — RUB, USD, EUR, CNY, … — has 2. Codes without a minor unit in ISO 4217 (XAU, XDR) also
 * get 2: a net worth in ounces of gold is still worth showing to the hundredth.
 */
const minorUnitsOtherThanTwo: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function minorUnits(currency: string): number {
  return minorUnitsOtherThanTwo[currency] ?? 2;
}

const currencyCodePattern = /^[A-Z]{3}$/;

/** A currency a client asks for: ISO 4217's shape (three capital letters), or BAD_USER_INPUT. */
export function validateCurrencyCode(currency: string): string {
  if (!currencyCodePattern.test(currency)) {
    throw new BadUserInputError(`currency must be an ISO 4217 code (three capital letters, e.g. RUB or USD), received ${describeReceived(currency)}`);
  }
  return currency;
}
