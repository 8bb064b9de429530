/**
 * ALOR's position and trade rows carry no currency: it comes from the security's `currency`.
 * When ALOR no longer knows a security (delisted, renamed), the exchange's usual settlement
 * currency is the best remaining answer.
 */
const usualSettlementCurrency: Record<string, string> = { MOEX: 'RUB', SPBX: 'USD' };

export function settlementCurrency(exchange: string): string | null {
  return usualSettlementCurrency[exchange] ?? null;
}
