module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'command-service',
  rootDir: __dirname,
};
