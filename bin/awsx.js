#!/usr/bin/env node
// Load the bundled CLI and let it set the exit status.
import { cli } from "../dist/awsx.js";

await cli();
