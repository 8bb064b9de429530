import type { AccountStatus, BrokerAccount } from '../../domain.js';
import { mapTinkoffAccountType } from './map-tinkoff-enums.js';
import type { WireAccount } from './wire.js';

// UsersService/GetAccounts, one account trimmed:
// {"id":"2000345678","type":"ACCOUNT_TYPE_TINKOFF","name":"Брокерский счёт","status":"ACCOUNT_STATUS_OPEN",
//  "openedDate":"2019-03-11T00:00:00Z","closedDate":"1970-01-01T00:00:00Z","accessLevel":"ACCOUNT_ACCESS_LEVEL_FULL_ACCESS"}
/**
 * An account the token has no access to is left out (null): T-Invest lists it, but every call
 * for it fails with 40002. A read-only access level (a read-only token, or a token issued with
 * trading rights on other accounts only) makes the account read-only for brokerql too.
 */
export function mapTinkoffAccount(account: WireAccount): BrokerAccount | null {
  if (account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS') return null;
  return {
    brokerAccountId: account.id,
    name: account.name || null,
    type: mapTinkoffAccountType(account.type),
    status: mapTinkoffAccountStatus(account.status),
    readOnly: account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_READ_ONLY',
    openedAt: account.openedDate && !account.openedDate.startsWith('1970-') ? account.openedDate : null,
  };
}

/** users.proto AccountStatus; ACCOUNT_STATUS_ALL is a request filter, never an account's status. */
export function mapTinkoffAccountStatus(status: string): AccountStatus | null {
  switch (status) {
    case 'ACCOUNT_STATUS_OPEN':
      return 'OPEN';
    case 'ACCOUNT_STATUS_CLOSED':
      return 'CLOSED';
    case 'ACCOUNT_STATUS_NEW':
      return 'OPENING';
    default:
      return null;
  }
}
