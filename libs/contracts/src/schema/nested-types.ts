/**
 * The `@Type()` metadata of the contracts' nested classes (e.g. an event's list of panel seats), for
 * schema generators (the AsyncAPI document): class-validator alone knows a nested list only as `Array`.
 * Exported from here so a generator reads the same class-transformer instance the contracts registered in.
 */
export { defaultMetadataStorage as nestedTypeMetadata } from 'class-transformer/cjs/storage';
