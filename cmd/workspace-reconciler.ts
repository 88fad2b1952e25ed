#!/usr/bin/env node
console.log('workspace-reconciler: not yet');
