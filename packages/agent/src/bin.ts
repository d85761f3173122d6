// Entry point of the maas-hw-sync binary (bundled by scripts/build-agent.ts).
import { runMain } from "./main.ts";

runMain();
