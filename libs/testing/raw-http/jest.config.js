module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'testing-raw-http',
  rootDir: __dirname,
};
