module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'projector-service',
  rootDir: __dirname,
};
