import { fleetTest } from "./fleet-run";

// The fleets in four files, so that Vitest's three workers share them evenly with the rest of the run.
fleetTest(3, 4);
