module.exports = { ...require('../../../jest.preset.js'), displayName: 'testing-mongo-server', rootDir: __dirname };
