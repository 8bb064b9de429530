import type { SimulatorResponse } from '../common/http.js';
import { BrokerRefusal } from '../common/routes.js';
import { json } from './wire.js';

/**
 * How InstaForex refuses: ASP.NET Web API's own `{"Message": …}` bodies (protocol notes §5),
 * and HTTP.sys's HTML page for a 503.
 */

/** ASP.NET Web API's own error texts (HttpError `Message`). */
export const aspNetMessages = {
  denied: 'Authorization has been denied for this request.',
  invalid: 'The request is invalid.',
  error: 'An error has occurred.',
} as const;

export function notFoundMessage(uri: string): string {
  return `No HTTP resource was found that matches the request URI '${uri}'.`;
}

export function methodNotAllowedMessage(method: string): string {
  return `The requested resource does not support http method '${method}'.`;
}

/** HTTP.sys answers 503 itself (the application pool is down), in HTML, before ASP.NET sees the request. */
const serviceUnavailableHtml =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n' +
  '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Service Unavailable</h2>\r\n' +
  '<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n' +
  '</BODY></HTML>\r\n';

/** The body InstaForex sends for an error status (faults, unmatched requests). */
export function aspNetError(status: number, requestUri: string, method = 'GET'): SimulatorResponse {
  switch (status) {
    case 400:
      return json(400, { Message: aspNetMessages.invalid });
    case 401:
    case 403:
      return json(status, { Message: aspNetMessages.denied });
    case 404:
      return json(404, { Message: notFoundMessage(requestUri) });
    case 405:
      return json(405, { Message: methodNotAllowedMessage(method) });
    case 503:
      return { status, body: serviceUnavailableHtml, contentType: 'text/html; charset=us-ascii' };
    default:
      return json(status, { Message: aspNetMessages.error });
  }
}

/** A refusal with Web API's body for the status; handlers and credential checks throw it. */
export class InstaforexRefusal extends BrokerRefusal {
  constructor(status: number) {
    super(aspNetError(status, ''));
  }
}
