// ava for examples/testing: TypeScript through tsx.
export default {
  files: ["examples/testing/*.spec.ts"],
  extensions: { ts: "commonjs" },
  nodeArguments: ["--import", "tsx"],
  workerThreads: false,
}
