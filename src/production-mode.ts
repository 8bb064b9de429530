/**
 * Imported first by the process entry point, before graphql is loaded: graphql-js reads NODE_ENV
 * once, at load, and outside "production" it runs extra checks on every type test, made to catch
 * two copies of graphql in one bundle. A gateway serving requests should not pay for them; a
 * NODE_ENV set by the operator is kept.
 */
process.env['NODE_ENV'] ??= 'production';
