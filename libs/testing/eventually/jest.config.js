module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'testing-eventually',
  rootDir: __dirname,
};
