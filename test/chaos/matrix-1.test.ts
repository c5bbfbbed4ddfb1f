import { matrixTest } from "./matrix-run";

// The matrix in eight files, so that Vitest's three workers share it evenly with the fleets and the random orders.
matrixTest(0, 8);
