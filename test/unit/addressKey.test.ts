import { describe, expect, it } from 'vitest';
import { addressKey } from '../../functions/core/limits.js';

describe('addressKey: what a per-address limit counts', () => {
  it('counts IPv4 as it is, and an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('counts IPv6 per /64, however the address is written', () => {
    const forms = ['2001:db8:1:2:3:4:5:6', '2001:DB8:0001:0002::9', '2001:db8:1:2:ffff:ffff:ffff:ffff'];
    expect(new Set(forms.map(addressKey))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('2001:db8::1.2.3.4')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('keeps anything that is no address as given', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});
