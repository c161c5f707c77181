// zarr.js (npm `zarr`) ships types at types/zarr.d.ts but its package.json "exports" map does not
// point at them, so NodeNext resolution cannot find them; bench/impl/zarrjs.ts uses it untyped.
declare module "zarr";
