module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'processes',
  rootDir: __dirname,
};
