import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    alias: [
      // graphql@16 ships CJS (main) and ESM (module). Node loads the CJS copy for yoga and
      // graphql-tools, Vite would load the ESM copy for our sources: two GraphQLError classes.
      // Point Vite at the copy Node uses, as in production.
      { find: /^graphql$/, replacement: require.resolve('graphql') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real loopback servers; give slow CI machines room without hiding hangs.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
