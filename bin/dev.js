#!/usr/bin/env node
// Runs src/ through tsx without a build (TypeScript <= 6 only: oclif needs the compiler API).
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
