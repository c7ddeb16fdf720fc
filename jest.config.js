/** Jest: TypeScript through SWC (type-checking is `npm run typecheck`, run by CI separately). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/', '/imports/.*\\.js$'],
  testTimeout: 60000,
};
