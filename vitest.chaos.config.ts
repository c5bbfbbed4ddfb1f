// `npm run chaos`: the whole fault-and-crash matrix, random schedules and API fuzz. Set-up and options: test/node/chaos-config.ts.
export { default } from "./test/node/chaos-config";
