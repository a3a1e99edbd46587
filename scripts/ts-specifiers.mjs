// Lets Node run the TypeScript sources directly (it strips the types itself, so what runs is what
// tsc would emit): the sources import `./x.js` (nodenext) for `./x.ts`, and this hook maps those
// specifiers. Import it for its effect before importing anything from src/. (A transpiling loader
// such as tsx adds helpers like __name around every function and costs ~2x in hot loops.)
import {registerHooks} from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  },
})
