module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'order-import',
  rootDir: __dirname,
};
