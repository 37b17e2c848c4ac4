import { blacklistGrounds, listNames, removalReasons, restrictions } from '../../src/ledger/listingCodes';
import { schemaRegistry } from '../../src/schemaRegistry';

const definitions = schemaRegistry().schemas().get('listings.json')?.$defs as Record<string, { enum?: unknown[] }>;

test('the schemas name the same lists, grounds, restrictions and removal reasons as the code', () => {
  expect(definitions.list?.enum).toEqual([...listNames]);
  expect(definitions.blacklistGround?.enum).toEqual([...blacklistGrounds]);
  expect(definitions.restriction?.enum).toEqual([...restrictions]);
  expect(definitions.removalReason?.enum).toEqual([...removalReasons]);
});
