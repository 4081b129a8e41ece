// Loads one of the project's ESM scripts (scripts/*.mjs) from the CommonJS tests: a real dynamic
// import, which tsc would otherwise turn into require().
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;
