/**
 * One fixed seed for every fast-check property in the suite, so `npm test`
 * (and so CI, which only lands green runs) checks the same cases every time,
 * and a failure reproduces on any machine. Explore new cases by hand with
 * another seed: `FC_SEED=$RANDOM npm test`; fast-check prints the seed and
 * path of any counterexample it finds.
 */
import fc from "fast-check";

const fromEnv = process.env["FC_SEED"];
const seed = fromEnv === undefined || fromEnv === "" ? 20261201 : Number(fromEnv);
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
