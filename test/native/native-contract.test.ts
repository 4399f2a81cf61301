/**
 * The addon's exports (native/bindings/addon.cpp kModules) against lib/native/contract.ts: the same
 * names both ways, each of the declared kind, so that neither side can add, rename or drop an export
 * alone.
 */
import { native } from '../../lib/native/binding';
import { NATIVE_EXPORTS, exportKind } from '../../lib/native/contract';

test('every export the addon has is declared, and every declared export exists', () => {
  const addon = native();
  expect(Object.keys(addon).sort()).toEqual(Object.keys(NATIVE_EXPORTS).sort());
});

test.each(Object.entries(NATIVE_EXPORTS))('%s is a %s', (name, kind) => {
  expect(exportKind((native() as Record<string, unknown>)[name])).toBe(kind);
});
