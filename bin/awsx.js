#!/usr/bin/env node
// Load the bundled CLI and let it set the exit status. CommonJS (see bin/package.json):
// it starts faster than an ES module, and awsx starts before every command it wraps.
require("../dist/awsx.cjs").cli();
