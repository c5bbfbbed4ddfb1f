import { randomTest } from "./random-run";

// The random orders in three files, so that Vitest's three workers share them evenly with the rest of the run.
randomTest(2, 3);
