module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'query-service',
  rootDir: __dirname,
};
