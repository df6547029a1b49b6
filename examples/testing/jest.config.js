// Jest for examples/testing: TypeScript through ts-jest, Node environment.
/** @type {import("jest").Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: "node",
  testMatch: ["<rootDir>/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: { module: "commonjs", target: "es2022", esModuleInterop: true, types: ["node", "jest"] } }],
  },
  // Inside this repository "zeromq-rs" is the package itself; an application has it in
  // node_modules and needs no mapping.
  moduleNameMapper: { "^zeromq-rs$": "<rootDir>/../../index.js" },
}
