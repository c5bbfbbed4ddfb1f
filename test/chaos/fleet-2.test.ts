import { fleetTest } from "./fleet-run";

// The fleets in two files, so that the longest part of the run is shared between both cores.
fleetTest(1, 2);
