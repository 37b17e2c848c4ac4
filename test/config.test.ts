import { ConfigError, readConfig } from '../src/config';

describe('LEDGER_TRUST_PROXY', () => {
  it('is unset by default: no X-Forwarded-For is believed', () => {
    expect(readConfig({}).trustProxy).toBeUndefined();
  });

  it('takes a number of proxies in front of the ledger', () => {
    expect(readConfig({ LEDGER_TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('takes addresses, subnets and the names express knows, separated by commas', () => {
    expect(readConfig({ LEDGER_TRUST_PROXY: '10.0.0.0/8, ::1, loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
  });

  it.each(['proxy.example', '10.0.0.0/33', '10.0.0.1/8/2', 'yes'])('refuses %s, naming it', (entry) => {
    expect(() => readConfig({ LEDGER_TRUST_PROXY: entry })).toThrow(ConfigError);
    expect(() => readConfig({ LEDGER_TRUST_PROXY: entry })).toThrow(entry);
  });
});
