/**
 * ORDERSOURCE_TESTS=server-dependent (CI's second pass, on PostgreSQL 15) leaves out the suites
 * whose outcome does not depend on which PostgreSQL server DATABASE_URL names, after the first
 * pass ran them on embedded 18: the browser console (a UI over the HTTP APIs), the OpenAPI fuzz
 * suite (the HTTP edge), tracing (spans), and the fault suite (it always starts and kills its own
 * embedded PostgreSQL). Every suite of the stores' behaviour runs on both servers.
 */
const serverIndependent = ['/console/', '/faults\\.e2e-spec\\.ts$', '/fuzz\\.e2e-spec\\.ts$', '/tracing\\.e2e-spec\\.ts$'];

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.ORDERSOURCE_TESTS === 'server-dependent' ? serverIndependent : [])],
};
