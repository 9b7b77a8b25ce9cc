// class-transformer 0.5 ships the typings of its metadata storage under types/, not beside the CJS build.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
