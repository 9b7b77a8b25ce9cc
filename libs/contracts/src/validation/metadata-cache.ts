import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];

const CACHED = Symbol.for('stac.validation-metadata-cache');

/**
 * class-validator looks up a class's rules on every `validate()` call (and again for every nested
 * object) by walking the metadata of every decorated class in the process with an `instanceof` test:
 * with the platform's few hundred contract classes that walk was 4-9% of each service's CPU in the bench
 * profile. Rules are declared by decorators when the classes load and do not change afterwards, so the
 * answer for one (class, schema, always, strictGroups, groups) is remembered; declaring any rule later
 * (a class loaded late, a schema registered) forgets everything remembered, so the answer is always the
 * library's own. Installed once per process when the contracts load.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const s = storage as Storage & { [CACHED]?: true };
  if (s[CACHED]) return;
  s[CACHED] = true;
  const lookup: Lookup = s.getTargetValidationMetadatas.bind(s);
  const add = s.addValidationMetadata.bind(s);
  let remembered = new Map<unknown, Map<string, ReturnType<Lookup>>>();
  s.addValidationMetadata = (metadata) => {
    remembered = new Map();
    add(metadata);
  };
  s.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    let byOptions = remembered.get(target);
    if (!byOptions) remembered.set(target, (byOptions = new Map()));
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found.slice();
  };
}

cacheValidationMetadata();
