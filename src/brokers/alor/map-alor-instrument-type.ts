/**
 * ALOR's `type` of a security into brokerql's instrument types (the lower-case words the other
 * brokers use: share, bond, etf, currency, future, option). MOEX sends short codes, futures and
 * options a Russian phrase, SPBX only "t" — so the ISO 10962 CFI code decides when the type does not.
 * An unknown type is passed on as ALOR wrote it rather than guessed.
 */
export function mapAlorInstrumentType(type: string | null | undefined, cfiCode: string | null | undefined): string | null {
  switch (type) {
    case 'CS': // common shares
    case 'PS': // preferred shares
    case 'RDR': // Russian depositary receipts
      return 'share';
    case 'EUSOV': // federal loan bonds (OFZ)
    case 'MUNI':
    case 'CORP':
      return 'bond';
    case 'MF': // mutual (exchange-traded) funds
      return 'etf';
    case 'FOR': // currency
      return 'currency';
    case 't': // SPBX's one type for everything: only the CFI code tells
      return typeFromCfiCode(cfiCode);
    default:
      if (type?.startsWith('Фьючерсный контракт')) return 'future';
      return typeFromCfiCode(cfiCode) ?? (type ? type : null);
  }
}

function typeFromCfiCode(cfiCode: string | null | undefined): string | null {
  switch (cfiCode?.charAt(0).toUpperCase()) {
    case 'E':
      return 'share';
    case 'D':
      return 'bond';
    case 'C':
      return 'etf';
    case 'F':
      return 'future';
    case 'O':
      return 'option';
    default:
      return null;
  }
}
