/**
 * Loads bench/render-child.ts through ts-node exactly the way Pulumi's
 * nodejs runtime does with `runtime.options.typescript: true`
 * (@pulumi/pulumi/cmd/run/run.js): same ts-node and TypeScript resolution,
 * the project's tsconfig.json, the same compiler-option defaults, and
 * transpileOnly from PULUMI_NODEJS_TRANSPILE_ONLY (unset: type-check).
 * Plain JavaScript because it has to run before any TypeScript loader exists.
 */
"use strict";
const path = require("node:path");
const tsutils = require("@pulumi/pulumi/tsutils");

const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const env = process.env["PULUMI_NODEJS_TRANSPILE_ONLY"];
const transpileOnly = env ? env === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly,
  project: tsConfigPath,
  skipProject: false,
  compilerOptions: {
    target: "ES2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: "true",
    ...compilerOptions,
  },
});
// argv[2..] are the child's arguments already (node, this file, ...).
require(path.join(__dirname, "render-child.ts"));
