import { matrixTest } from "./matrix-run";

// The matrix in three files, so that Vitest keeps both cores busy with them and the random orders.
matrixTest(1, 3);
