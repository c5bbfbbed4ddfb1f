// `npm run record-fixtures`: records journals of the current workflow version for the replay check (test/replay).
export { default } from "./test/node/fixtures-config";
